import { Counter, register } from 'prom-client';

export const HOOK_FAILURES_METRIC = 'plugin_hook_failures_total';

export type HookFailureReason = 'error' | 'timeout' | 'async_in_sync' | 'modify_refused';

/**
 * The counter of failed hook handlers on prom-client's default registry (served at
 * /metrics), defined here rather than in MetricsService because the metrics folder sits
 * above the modules that emit hooks. Labels are bounded by the loaded plugins and the
 * hook points.
 */
export function hookFailureCounter(): Counter<'plugin' | 'hook' | 'reason'> {
  return (
    (register.getSingleMetric(HOOK_FAILURES_METRIC) as Counter<'plugin' | 'hook' | 'reason'>) ??
    new Counter({
      name: HOOK_FAILURES_METRIC,
      help: 'Plugin hook handlers that threw, ran past PLUGIN_HOOK_TIMEOUT_MS or broke the hook rules, by plugin, hook point and reason',
      labelNames: ['plugin', 'hook', 'reason'],
    })
  );
}
