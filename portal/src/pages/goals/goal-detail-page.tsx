import { Fragment } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtNum } from '../../components/format';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { useLive } from '../../live/live-context';
import { GoalApprovals } from '../approvals/goal-approvals';
import { resultText, summarize } from './summarize';
import { TaskGraph } from './task-graph';

const FINISHED = ['completed', 'failed', 'cancelled'];

/** One goal: its state, task graph and tasks (live), result, approvals; cancel while it runs. */
export function GoalDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { me } = useSession();
  const { outputs } = useLive();
  const queryClient = useQueryClient();
  const goal = useQuery({
    queryKey: keys.goals.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/goals/{id}', { params: { path: { id } } })),
  });
  const tasks = useQuery({
    queryKey: keys.goals.tasks(id),
    queryFn: () => unwrap(api.GET('/api/v1/goals/{id}/tasks', { params: { path: { id } } })),
  });
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/goals/{id}/cancel', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.goals.all }),
  });

  if (goal.isPending) return <Loading what="the goal" />;
  if (goal.isError)
    return (
      <Page title="Goal" testId="goal-detail-missing">
        <ProblemAlert error={goal.error} permission="goal:read" action="see this goal" />
        <Link href="/goals">All goals</Link>
      </Page>
    );
  const g = goal.data;
  const items = tasks.data?.items ?? [];
  const duration = g.timings.duration_ms as unknown as number | null | undefined;
  const pattern = typeof g.pattern === 'string' ? g.pattern : null;
  return (
    <Page
      title={g.title}
      actions={
        can(me, 'goal:cancel') && !FINISHED.includes(g.status) ? (
          <button
            type="button"
            data-testid="goal-cancel"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            {cancel.isPending ? <Spinner label="Cancelling" /> : null} Cancel goal
          </button>
        ) : null
      }
    >
      <div
        className="goal-detail"
        data-testid="goal-detail"
        data-goal-id={g.id}
        data-status={g.status}
      >
        <p className="muted" data-testid="goal-meta">
          <Badge value={g.status} testId="goal-detail-status" /> {g.state}
          {g.complexity ? ` · ${g.complexity}` : ''}
          {pattern ? ` · ${pattern}` : ''} · {fmtNum(g.usage.total_tokens)} tokens
          {typeof duration === 'number' ? ` · ${duration} ms` : ''}
        </p>
        <ProblemAlert error={cancel.error} permission="goal:cancel" action="cancel goals" />
        <details>
          <summary>The goal as submitted</summary>
          <pre className="result">{g.goal}</pre>
        </details>
        {tasks.isPending ? <Loading what="tasks" /> : <TaskGraph tasks={items} />}
        <ProblemAlert error={tasks.error} />
        <table className="grid">
          <caption className="sr-only">Tasks</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Agent</th>
              <th scope="col">Attempts</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody data-testid="goal-tasks">
            {items.map((t) => {
              const error = typeof t.error === 'string' ? t.error : '';
              const out = summarize(t.output) || error;
              const writing = t.status === 'running' ? outputs.get(t.id) : undefined;
              return (
                <Fragment key={t.id}>
                  <tr data-task-key={t.key} data-testid="task-row" data-status={t.status}>
                    <td>
                      {t.key} · {t.title}
                    </td>
                    <td>
                      <Badge value={t.status} />
                    </td>
                    <td data-testid="task-agent">
                      {t.agent_id ? `${String(t.agent_kind)} · ${String(t.agent_id)}` : '–'}
                    </td>
                    <td>{t.attempts}</td>
                    <td className="out" title={out}>
                      {out}
                    </td>
                  </tr>
                  {writing !== undefined ? (
                    <tr className="live-output-row">
                      <td colSpan={5}>
                        <pre
                          className="live-output"
                          data-testid="task-live-output"
                          data-task-key={t.key}
                          aria-live="polite"
                          aria-label={`${t.key} is writing`}
                        >
                          {writing}
                        </pre>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        <h3>Result</h3>
        <pre className="result" data-testid="goal-result">
          {resultText(g.result, g.failure_reasons)}
        </pre>
        <GoalApprovals goalId={g.id} />
      </div>
    </Page>
  );
}
