import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { Badge } from '../../components/badge';
import { useElevation } from '../../components/elevation';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { SecretOnce } from '../../components/secret-once';
import { Loading, Spinner } from '../../components/spinner';
import { TotpEnrollment } from './totp-enrollment';
import { TrustedDevices } from './trusted-devices';

const KIND_LABEL = { totp: 'Authenticator app', sms: 'Text message', email: 'Email code' } as const;

/** The signed-in user's second factors, backup codes and trusted devices. */
export function SecurityPage() {
  const queryClient = useQueryClient();
  const { elevated, dialog } = useElevation();
  const [codes, setCodes] = useState<string[] | null>(null);
  const status = useQuery({
    queryKey: adminKeys.mfa,
    queryFn: () => unwrap(api.GET('/api/v1/mfa')),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.mfa });
  const disable = useMutation({
    mutationFn: (kind: 'totp' | 'sms' | 'email') =>
      elevated(() =>
        unwrap(api.DELETE('/api/v1/mfa/methods/{kind}', { params: { path: { kind } } })),
      ),
    onSuccess: refresh,
  });
  const regenerate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/mfa/backup-codes/regenerate')),
    onSuccess: (res) => {
      setCodes(res.backup_codes);
      void refresh();
    },
  });
  const s = status.data;
  const hasTotp = !!s?.methods.some((m) => m.kind === 'totp' && m.status === 'active');
  return (
    <Page title="My security" testId="security">
      {dialog}
      {codes ? (
        <SecretOnce
          label="Your backup codes"
          secret={codes.join('\n')}
          testId="backup-codes"
          onDone={() => setCodes(null)}
        />
      ) : null}
      <section className="panel" aria-labelledby="mfa-heading">
        <h3 id="mfa-heading">
          Second factor{' '}
          {s ? (
            <Badge
              value={s.enabled ? 'on' : 'off'}
              className={s.enabled ? 's-completed' : 's-pending'}
              testId="mfa-enabled"
            />
          ) : null}
        </h3>
        {s?.required ? (
          <p className="muted small">Your organisation requires a second factor.</p>
        ) : null}
        {status.isPending ? <Loading what="your second factors" /> : null}
        <ProblemAlert error={status.error ?? disable.error} testId="mfa-msg" />
        <ul className="plain" data-testid="mfa-methods">
          {(s?.methods ?? []).map((m) => (
            <li key={m.kind} data-testid="mfa-method-row" data-kind={m.kind} data-status={m.status}>
              <strong>{KIND_LABEL[m.kind]}</strong>{' '}
              {m.destination ? <span>{m.destination}</span> : null}{' '}
              <Badge
                value={m.status}
                className={m.status === 'active' ? 's-completed' : 's-pending'}
              />{' '}
              <span className="muted small">last used {fmtWhen(m.last_used_at)}</span>{' '}
              <button
                type="button"
                className="danger"
                data-testid="mfa-disable"
                disabled={disable.isPending}
                onClick={() => {
                  if (window.confirm(`Turn off ${KIND_LABEL[m.kind]}?`)) disable.mutate(m.kind);
                }}
              >
                {disable.isPending ? <Spinner label="Turning off" /> : null} Turn off
              </button>
            </li>
          ))}
        </ul>
        {s && !hasTotp ? <TotpEnrollment onBackupCodes={setCodes} /> : null}
      </section>
      <section className="panel" aria-labelledby="backup-heading">
        <h3 id="backup-heading">Backup codes</h3>
        <p data-testid="backup-left">
          {s
            ? `${s.backup_codes_left} unused backup code${s.backup_codes_left === 1 ? '' : 's'} left.`
            : ''}
        </p>
        {s?.enabled ? (
          <button
            type="button"
            data-testid="backup-regenerate"
            disabled={regenerate.isPending}
            onClick={() => regenerate.mutate()}
          >
            {regenerate.isPending ? <Spinner label="Generating" /> : null} New backup codes
          </button>
        ) : null}
        <ProblemAlert error={regenerate.error} testId="backup-msg" />
      </section>
      <TrustedDevices />
    </Page>
  );
}
