import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useSession } from '../../auth/session-context';
import { fmtDuration, fmtNum } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { LineChart, type Point } from './line-chart';

type Series = Record<string, Point[]>;
type Values = Record<string, number | null>;

function widget(name: 'metrics' | 'goals') {
  return unwrap(api.GET('/dashboard/widgets/{widget}', { params: { path: { widget: name } } }));
}

const percent = () => '100%';

/** The last 24 hours, hourly: success rate, duration, tokens, goals completed. */
export function MetricsPanel() {
  const { config } = useSession();
  const metrics = useQuery({
    queryKey: keys.widgets('metrics'),
    queryFn: () => widget('metrics'),
    refetchInterval: config.refresh_ms,
  });
  const goals = useQuery({
    queryKey: keys.widgets('goals'),
    queryFn: () => widget('goals'),
    refetchInterval: config.refresh_ms,
  });
  if (metrics.isPending || goals.isPending) return <Loading what="metrics" />;
  if (metrics.isError || goals.isError)
    return <ProblemAlert error={metrics.error ?? goals.error} />;
  const m = metrics.data.series as unknown as Series;
  const v = metrics.data.values as unknown as Values;
  const g = goals.data.series as unknown as Series;
  return (
    <section className="panel" data-testid="metrics" aria-labelledby="metrics-heading">
      <h3 id="metrics-heading">
        Metrics <span className="muted small">(last 24 h, hourly)</span>
      </h3>
      <div className="charts">
        <LineChart
          label="Success rate"
          points={m.success_rate ?? []}
          color="--ok"
          max={1}
          format={percent}
        />
        <LineChart label="Goal duration (ms)" points={m.duration_ms ?? []} color="--run" />
        <LineChart label="Tokens" points={m.tokens ?? []} />
        <LineChart label="Goals completed" points={g.completed ?? []} color="--ok" />
      </div>
      <p className="muted small" data-testid="metrics-summary">
        success rate {v.success_rate === null ? '–' : `${Math.round((v.success_rate ?? 0) * 100)}%`}{' '}
        · average duration {v.avg_duration_ms === null ? '–' : `${v.avg_duration_ms} ms`} · tokens{' '}
        {fmtNum(v.total_tokens)} · uptime {fmtDuration(v.uptime_s ?? 0)}
      </p>
    </section>
  );
}
