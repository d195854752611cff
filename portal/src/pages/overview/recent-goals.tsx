import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import type { Schema } from '../../api/types';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';

type DashboardGoal = Schema<'DashboardGoalDto'>;

function GoalList({ goals, testId }: { goals: DashboardGoal[]; testId: string }) {
  return (
    <ul className="goal-list" data-testid={testId}>
      {goals.length ? null : <li className="empty">none</li>}
      {goals.map((g) => (
        <li key={g.id} data-goal-id={g.id} data-status={g.status} data-testid="goal-item">
          <Badge value={g.status} testId="goal-status" />
          <Link href={`/goals/${g.id}`} className="t" title={g.title}>
            {g.title}
          </Link>
          <span className="muted small">{g.tasks.length} tasks</span>
        </li>
      ))}
    </ul>
  );
}

/** Active and recently finished goals (live), each linking to its page. */
export function RecentGoals() {
  const { config } = useSession();
  const goals = useQuery({
    queryKey: keys.dashboardGoals,
    queryFn: () => unwrap(api.GET('/dashboard/goals', { params: { query: { limit: 20 } } })),
    refetchInterval: config.refresh_ms,
  });
  if (goals.isPending) return <Loading what="goals" />;
  if (goals.isError) return <ProblemAlert error={goals.error} />;
  return (
    <>
      <h3>Active</h3>
      <GoalList goals={goals.data.active} testId="goals-active" />
      <h3>Recent</h3>
      <GoalList goals={goals.data.recent} testId="goals-recent" />
    </>
  );
}
