import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { fmtWhen } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { describeDevice } from '../sessions/session-text';

/** Browsers that skip the second factor at sign-in; revoking one asks it again. */
export function TrustedDevices() {
  const queryClient = useQueryClient();
  const devices = useQuery({
    queryKey: adminKeys.trustedDevices,
    queryFn: () => unwrap(api.GET('/api/v1/mfa/trusted-devices')),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/api/v1/mfa/trusted-devices/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.trustedDevices }),
  });
  return (
    <section className="panel" aria-labelledby="devices-heading" data-testid="trusted-devices">
      <h3 id="devices-heading">Trusted devices</h3>
      {devices.isPending ? <Loading what="trusted devices" /> : null}
      <ProblemAlert error={devices.error ?? revoke.error} testId="devices-msg" />
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">IP address</th>
            <th scope="col">Last used</th>
            <th scope="col">Trusted until</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="devices-list">
          {devices.data && !devices.data.items.length ? (
            <tr>
              <td colSpan={5} className="muted">
                no trusted devices
              </td>
            </tr>
          ) : null}
          {(devices.data?.items ?? []).map((d) => (
            <tr key={d.id} data-testid="device-row">
              <td>{d.name || describeDevice(d.device)}</td>
              <td>{d.ip ?? '–'}</td>
              <td>{fmtWhen(d.last_used_at)}</td>
              <td>{fmtWhen(d.expires_at)}</td>
              <td>
                <button
                  type="button"
                  data-testid="device-revoke"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(d.id)}
                >
                  Stop trusting
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
