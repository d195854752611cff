import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Me, Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { useElevation } from '../../components/elevation';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { SecretOnce } from '../../components/secret-once';
import { Loading, Spinner } from '../../components/spinner';
import { ApiKeyCreateForm } from './api-key-create-form';
import { grantableScopes } from './key-scopes';

type ApiKey = Schema<'ApiKeyDto'>;
type Elevated = <T>(call: () => Promise<T>) => Promise<T>;

const STATUS_CLASS: Record<string, string> = {
  active: 's-completed',
  expired: 's-cancelled',
  revoked: 's-failed',
  suspended: 's-pending',
};

function KeyRow({
  k,
  me,
  elevated,
  onSecret,
}: {
  k: ApiKey;
  me: Me;
  elevated: Elevated;
  onSecret(label: string, key: string): void;
}) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: k.id } } };
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys });
  const rotate = useMutation({
    mutationFn: () => elevated(() => unwrap(api.POST('/api/v1/api-keys/{id}/rotate', path))),
    onSuccess: (res) => {
      onSecret(`New secret of ${res.name}`, res.key);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/api-keys/{id}/revoke', path)),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/api-keys/{id}', path)),
    onSuccess: refresh,
  });
  const live = k.status === 'active';
  return (
    <tr data-testid="key-row" data-key-id={k.id} data-key-name={k.name} data-status={k.status}>
      <td>
        {k.name}
        <div className="muted small">
          <code>{k.prefix}…</code> {k.type}
        </div>
      </td>
      <td>
        <Badge value={k.status} className={STATUS_CLASS[k.status]} testId="key-status" />
      </td>
      <td className="small">{k.scopes.join(', ')}</td>
      <td className="small">
        {fmtWhen(k.last_used_at)}
        {k.last_used_ip ? <div className="muted">{k.last_used_ip}</div> : null}
      </td>
      <td className="small">{k.expires_at ? fmtWhen(k.expires_at) : 'never'}</td>
      <td className="actions">
        {live && can(me, 'api-key:rotate') ? (
          <button
            type="button"
            data-testid="key-rotate"
            disabled={rotate.isPending}
            onClick={() => rotate.mutate()}
          >
            {rotate.isPending ? <Spinner label="Rotating" /> : null} Rotate
          </button>
        ) : null}
        {live && can(me, 'api-key:revoke') ? (
          <button
            type="button"
            className="danger"
            data-testid="key-revoke"
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke ${k.name}? Calls with it are refused from now on.`))
                revoke.mutate();
            }}
          >
            Revoke
          </button>
        ) : null}
        {!live && can(me, 'api-key:delete') ? (
          <button
            type="button"
            data-testid="key-delete"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete
          </button>
        ) : null}
        <ProblemAlert error={rotate.error ?? revoke.error ?? remove.error} testId="key-msg" />
      </td>
    </tr>
  );
}

/** API keys: create with scopes (the key shown once), rotate, revoke, delete. */
export function ApiKeysPage() {
  const { me } = useSession();
  const { elevated, dialog } = useElevation();
  const [secret, setSecret] = useState<{ label: string; key: string } | null>(null);
  const keysQuery = useQuery({
    queryKey: adminKeys.apiKeys,
    queryFn: () => unwrap(api.GET('/api/v1/api-keys')),
  });
  const onSecret = (label: string, key: string) => setSecret({ label, key });
  return (
    <Page title="API keys" testId="api-keys">
      {dialog}
      {secret ? (
        <SecretOnce
          label={secret.label}
          secret={secret.key}
          testId="key-secret"
          onDone={() => setSecret(null)}
        />
      ) : null}
      {can(me, 'api-key:create') ? (
        <ApiKeyCreateForm
          scopes={grantableScopes(me.permissions)}
          isAdmin={can(me, 'admin:access')}
          elevated={elevated}
          onCreated={(k) => onSecret(`The key ${k.name}`, k.key)}
        />
      ) : null}
      {keysQuery.isPending ? <Loading what="API keys" /> : null}
      <ProblemAlert
        error={keysQuery.error}
        permission="api-key:read"
        action="list API keys"
        testId="keys-msg"
      />
      <table className="grid">
        <caption className="sr-only">API keys</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col">Scopes</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="keys-list">
          {keysQuery.data && !keysQuery.data.items.length ? (
            <tr>
              <td colSpan={6} className="muted">
                no API keys
              </td>
            </tr>
          ) : null}
          {(keysQuery.data?.items ?? []).map((k) => (
            <KeyRow key={k.id} k={k} me={me} elevated={elevated} onSecret={onSecret} />
          ))}
        </tbody>
      </table>
    </Page>
  );
}
