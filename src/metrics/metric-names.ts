/**
 * The seed's metric names, exported by /metrics on the API and by workers. Pure data so
 * tests and the Grafana dashboard check can read it without Nest.
 */
export const SEED_METRIC_NAMES = [
  'http_request_duration',
  'http_requests_total',
  'http_requests_in_progress',
  'agent_spawn_total',
  'agent_active',
  'agent_execution_duration',
  'agent_errors_total',
  'goal_created_total',
  'goal_completed_total',
  'goal_failed_total',
  'goal_active',
  'goal_duration',
  'worker_active',
  'worker_tasks_total',
  'worker_task_duration',
  'worker_capacity',
  'worker_utilization',
  'memory_operations',
  'memory_cache_hits',
  'memory_cache_misses',
  'memory_store_size',
  'system_cpu_usage',
  'system_memory_usage',
  'system_disk_usage',
  'llm_tokens_total',
  'llm_request_duration',
] as const;

/** Metrics of the realtime layer, beyond the seed. */
export const REALTIME_METRIC_NAMES = [
  'ws_clients',
  'ws_events_sent_total',
  'ws_slow_consumers_total',
  'ws_event_delivery_lag',
] as const;

/** Metrics of the worker registry, one series per registered worker id. */
export const WORKER_REGISTRY_METRIC_NAMES = [
  'worker_active_jobs',
  'worker_heartbeat_age_seconds',
  'worker_jobs_total',
] as const;

/**
 * Base metric names a PromQL expression refers to (histogram/summary series suffixes
 * `_bucket`, `_sum`, `_count` map to their family).
 */
export function metricNamesInQuery(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutLabels = withoutStrings.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '');
  const withoutGrouping = withoutLabels.replace(
    /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g,
    '',
  );
  const tokens = withoutGrouping.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  const names = tokens.filter((t) => !PROMQL_WORDS.has(t) && t.includes('_'));
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

const PROMQL_WORDS = new Set([
  'sum',
  'rate',
  'irate',
  'increase',
  'avg',
  'max',
  'min',
  'count',
  'histogram_quantile',
  'by',
  'without',
  'on',
  'ignoring',
  'le',
  'or',
  'and',
  'unless',
  'clamp_min',
  'clamp_max',
  'abs',
  'time',
  'vector',
  'scalar',
  'topk',
  'bottomk',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'delta',
  'deriv',
  'offset',
  'bool',
  'label_replace',
  'count_over_time',
  'group_left',
  'group_right',
  'quantile',
]);
