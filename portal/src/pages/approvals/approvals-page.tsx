import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useSession } from '../../auth/session-context';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { GoalApprovals } from './goal-approvals';

/** The inbox: every goal waiting on an approval, with its pending actions to approve or reject. */
export function ApprovalsPage() {
  const { config } = useSession();
  const waiting = useQuery({
    queryKey: keys.goals.list({ status: 'awaiting_approval', limit: 100, offset: 0 }),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/goals', {
          params: { query: { status: 'awaiting_approval', limit: 100, offset: 0 } },
        }),
      ),
    refetchInterval: config.refresh_ms,
  });
  return (
    <Page title="Approvals" testId="approvals-page">
      {waiting.isPending ? <Loading what="approvals" /> : null}
      <ProblemAlert error={waiting.error} permission="goal:read" action="see the approvals" />
      {waiting.data && !waiting.data.items.length ? (
        <p className="muted" data-testid="approvals-empty">
          Nothing is waiting for a decision.
        </p>
      ) : null}
      {waiting.data?.items.map((g) => (
        <section key={g.id} className="panel" data-testid="approval-goal" data-goal-id={g.id}>
          <h3>
            <Link href={`/goals/${g.id}`}>{g.title}</Link>
          </h3>
          <GoalApprovals goalId={g.id} pendingOnly />
        </section>
      ))}
    </Page>
  );
}
