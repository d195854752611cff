import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import type { Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type Approval = Schema<'ApprovalDto'>;

function Decide({ approval }: { approval: Approval }) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      unwrap(
        api.POST('/api/v1/goals/{id}/approve', {
          params: { path: { id: approval.goal_id } },
          body: {
            task_id: approval.task_id,
            decision,
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.goals.all }),
  });
  const inputId = `comment-${approval.id}`;
  return (
    <div className="row" data-testid="approval-decide">
      <label htmlFor={inputId} className="sr-only">
        Comment
      </label>
      <input
        id={inputId}
        type="text"
        maxLength={2000}
        placeholder="comment (why)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button
        type="button"
        data-testid="approval-approve"
        disabled={decide.isPending}
        onClick={() => decide.mutate('approve')}
      >
        Approve
      </button>
      <button
        type="button"
        data-testid="approval-reject"
        disabled={decide.isPending}
        onClick={() => decide.mutate('reject')}
      >
        Reject
      </button>
      {decide.isPending ? <Spinner label="Deciding" /> : null}
      <ProblemAlert error={decide.error} permission="goal:approve" action="decide approvals" />
    </div>
  );
}

/** A goal's approval requests and decisions; pending ones decided here by those who may. */
export function GoalApprovals({
  goalId,
  pendingOnly = false,
}: {
  goalId: string;
  pendingOnly?: boolean;
}) {
  const { me } = useSession();
  const approvals = useQuery({
    queryKey: keys.goals.approvals(goalId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/goals/{id}/approvals', { params: { path: { id: goalId } } })),
  });
  const items = (approvals.data?.items ?? []).filter((a) => !pendingOnly || a.status === 'pending');
  if (!approvals.isPending && !items.length && !approvals.error) return null;
  return (
    <section aria-label="Approvals" data-testid="goal-approvals">
      {pendingOnly ? null : <h3>Approvals</h3>}
      <ProblemAlert error={approvals.error} />
      <ul className="approvals">
        {items.map((a) => (
          <li key={a.id} data-testid="approval" data-approval-id={a.id} data-status={a.status}>
            <div>
              <Badge value={a.status} /> <strong>{a.tool}</strong> in task {a.task_key}: {a.reason}{' '}
              <span className="muted small">({a.categories.join(', ')})</span>
            </div>
            <pre className="result small">{JSON.stringify(a.args, null, 2)}</pre>
            <div className="muted small">
              asked {fmtWhen(a.requested_at)}
              {a.decided_at
                ? ` · decided ${fmtWhen(a.decided_at)} by ${a.decided_by ?? '–'}`
                : ` · expires ${fmtWhen(a.expires_at)}`}
              {a.comment ? ` · “${a.comment}”` : ''}
            </div>
            {a.status === 'pending' && can(me, 'goal:approve') ? <Decide approval={a} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
