import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useSession } from '../../auth/session-context';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { WorkerDrain } from './worker-drain';
import * as view from './workers-view';

/** The processes that run jobs, for platform administrators: status, load, heartbeat. */
export function WorkersPage() {
  const { config } = useSession();
  const workers = useQuery({
    queryKey: keys.workers,
    queryFn: () => unwrap(api.GET('/api/v1/workers')),
    refetchInterval: config.refresh_ms,
  });
  return (
    <Page title="Workers" testId="workers-panel">
      {workers.isPending ? <Loading what="workers" /> : null}
      <ProblemAlert error={workers.error} testId="workers-msg" />
      {workers.data ? (
        <table className="grid">
          <caption className="sr-only">Workers</caption>
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Load</th>
              <th scope="col">Capabilities</th>
              <th scope="col">Heartbeat</th>
              <th scope="col">Done</th>
              <th scope="col">Failed</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody data-testid="workers">
            {workers.data.items.length ? null : (
              <tr>
                <td colSpan={9} className="muted">
                  no process is running jobs
                </td>
              </tr>
            )}
            {workers.data.items.map((w) => (
              <tr key={w.id} data-worker-id={w.id} data-testid="worker-row">
                <td title={`${w.host} pid ${w.pid} v${w.version}`}>{w.id}</td>
                <td>{w.role}</td>
                <td>
                  <span
                    className={`badge ${view.statusClass(w.status)}`}
                    data-testid="worker-status"
                  >
                    {w.status}
                  </span>
                </td>
                <td>
                  <div className="worker-load">
                    <meter
                      className="quota-meter"
                      data-testid="worker-load"
                      min={0}
                      max={100}
                      low={80}
                      high={95}
                      optimum={0}
                      value={view.loadPercent(w.load)}
                      title={`${view.loadText(w.load)} goal jobs`}
                    >
                      {view.loadText(w.load)}
                    </meter>
                    <span className="small">{view.loadText(w.load)}</span>
                    <span className="small" data-testid="worker-tasks">
                      {view.taskLoadText(w.load)}
                    </span>
                  </div>
                </td>
                <td className="worker-caps">{view.capabilityText(w.capabilities)}</td>
                <td data-testid="worker-heartbeat">{view.ageText(w.heartbeat_age_ms)} ago</td>
                <td>{view.jobCountText(w.jobs.done, w.jobs.tasks_done)}</td>
                <td>{view.jobCountText(w.jobs.failed, w.jobs.tasks_failed)}</td>
                <td>
                  <WorkerDrain id={w.id} status={w.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
