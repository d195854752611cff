import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';

/** Agents with status, task counts and scores (derived from the tasks they ran). */
export function AgentsTable({ limit = 50 }: { limit?: number }) {
  const { config } = useSession();
  const agents = useQuery({
    queryKey: [...keys.agents, limit],
    queryFn: () => unwrap(api.GET('/dashboard/agents', { params: { query: { limit } } })),
    refetchInterval: config.refresh_ms,
  });
  if (agents.isPending) return <Loading what="agents" />;
  if (agents.isError)
    return <ProblemAlert error={agents.error} permission="agent:read" action="see the agents" />;
  return (
    <>
      <table className="grid">
        <caption className="sr-only">Agents</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Tasks</th>
            <th scope="col">Done</th>
            <th scope="col">Failed</th>
            <th scope="col">Score</th>
          </tr>
        </thead>
        <tbody data-testid="agents">
          {agents.data.items.length ? null : (
            <tr>
              <td colSpan={7} className="muted">
                no agents have run yet
              </td>
            </tr>
          )}
          {agents.data.items.map((a) => (
            <tr key={a.agent_id} data-agent-id={a.agent_id} data-testid="agent-row">
              <td>{a.agent_id}</td>
              <td>{a.agent_kind}</td>
              <td>
                <Badge value={a.status} />
              </td>
              <td>{a.tasks_total}</td>
              <td>{a.tasks_completed}</td>
              <td>{a.tasks_failed}</td>
              <td>{a.score === null ? '–' : a.score.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {agents.data.source === 'tasks' ? (
        <p className="muted small">Derived from the tasks each agent ran.</p>
      ) : null}
    </>
  );
}
