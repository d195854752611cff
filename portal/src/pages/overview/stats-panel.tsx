import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useSession } from '../../auth/session-context';
import { fmtDuration, fmtNum } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';

/** Headline numbers: goals, active goals, agents, workers, success rate, tokens, uptime. */
export function StatsPanel() {
  const { config } = useSession();
  const stats = useQuery({
    queryKey: keys.stats,
    queryFn: () => unwrap(api.GET('/dashboard/stats')),
    refetchInterval: config.refresh_ms,
  });
  if (stats.isPending) return <Loading what="statistics" />;
  if (stats.isError)
    return <ProblemAlert error={stats.error} permission="goal:read" action="see the statistics" />;
  const s = stats.data;
  const cells: Array<[string, string, string?, string?]> = [
    [
      'Goals',
      fmtNum(s.goals.total),
      `${s.goals.completed} done · ${s.goals.failed} failed`,
      'stat-goals',
    ],
    ['Active goals', fmtNum(s.goals.active), undefined, 'stat-active'],
    ['Agents', fmtNum(s.agents.total), `${s.agents.active} busy`, 'stat-agents'],
    ['Workers', fmtNum(s.workers.active), undefined, 'stat-workers'],
    [
      'Success rate',
      s.success_rate === null ? '–' : `${Math.round(s.success_rate * 100)}%`,
      undefined,
      'stat-success',
    ],
    ['Tokens', fmtNum(s.total_tokens), undefined, 'stat-tokens'],
    ['Uptime', fmtDuration(s.uptime_s), undefined, 'stat-uptime'],
  ];
  return (
    <section className="panel stats" aria-label="Statistics" data-testid="stats">
      {cells.map(([label, value, sub, id]) => (
        <div className="stat" key={label}>
          <span className="label">{label}</span>
          <span className="value" data-testid={id}>
            {value}
          </span>
          {sub ? <span className="sub">{sub}</span> : null}
        </div>
      ))}
    </section>
  );
}
