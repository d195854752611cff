import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import type { Schema } from '../../api/types';
import { useSession } from '../../auth/session-context';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { describeDevice, describePlace } from './session-text';

type SessionRow = Schema<'SessionDto'>;
const LIVE = new Set(['active', 'locked']);

function Row({ s }: { s: SessionRow }) {
  const queryClient = useQueryClient();
  const { signedOut } = useSession();
  const end = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: s.id } } })),
    onSuccess: () =>
      s.current ? signedOut() : queryClient.invalidateQueries({ queryKey: keys.sessions }),
  });
  return (
    <tr
      data-testid="session-row"
      data-session-id={s.id}
      data-status={s.status}
      data-current={String(s.current)}
    >
      <td>
        {describeDevice(s.device)} <span className="muted small">{s.type}</span>
        {s.current ? (
          <>
            {' '}
            <span className="badge s-current" data-testid="session-current">
              this session
            </span>
          </>
        ) : null}
      </td>
      <td>{s.ip || '–'}</td>
      <td>{describePlace(s.geo)}</td>
      <td title={s.last_seen_at}>{fmtWhen(s.last_seen_at)}</td>
      <td>
        <span className={`badge s-session-${s.status}`}>{s.status}</span>
        {s.mfa_verified ? <span className="muted small"> 2FA</span> : null}
      </td>
      <td>
        <button
          type="button"
          data-testid="session-end"
          disabled={end.isPending}
          onClick={() => end.mutate()}
        >
          {end.isPending ? <Spinner label="Ending" /> : null} {s.current ? 'End (sign out)' : 'End'}
        </button>
        <ProblemAlert error={end.error} testId="sessions-msg" />
      </td>
    </tr>
  );
}

/** Where the user is signed in; ending a session signs that device out (this one: sign-out). */
export function SessionsPage() {
  const sessions = useQuery({
    queryKey: keys.sessions,
    queryFn: () => unwrap(api.GET('/api/v1/sessions')),
  });
  const items = sessions.data?.items ?? [];
  const live = items.filter((s) => LIVE.has(s.status));
  const ended = items.length - live.length;
  return (
    <Page
      title="My sessions"
      testId="sessions"
      actions={
        <button
          type="button"
          data-testid="sessions-refresh"
          disabled={sessions.isFetching}
          onClick={() => void sessions.refetch()}
        >
          {sessions.isFetching ? <Spinner label="Refreshing" /> : null} Refresh
        </button>
      }
    >
      <p className="muted small">
        Where you are signed in. Ending a session signs that device out.
      </p>
      {sessions.isPending ? <Loading what="sessions" /> : null}
      <ProblemAlert error={sessions.error} testId="sessions-msg" />
      <table className="grid">
        <caption className="sr-only">Sessions</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">IP address</th>
            <th scope="col">Location</th>
            <th scope="col">Last seen</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="sessions-list">
          {sessions.data && !live.length ? (
            <tr>
              <td colSpan={6} className="muted">
                no open sessions
              </td>
            </tr>
          ) : null}
          {live.map((s) => (
            <Row key={s.id} s={s} />
          ))}
        </tbody>
      </table>
      <p className="muted small" data-testid="sessions-note">
        {ended ? `${ended} ended or expired session${ended === 1 ? '' : 's'} not shown.` : ''}
      </p>
    </Page>
  );
}
