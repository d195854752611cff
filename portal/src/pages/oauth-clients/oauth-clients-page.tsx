import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Me, Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { useElevation } from '../../components/elevation';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { SecretOnce } from '../../components/secret-once';
import { Loading, Spinner } from '../../components/spinner';
import { intParam, useUrlState } from '../../hooks/use-url-state';
import { OAuthClientForm } from './oauth-client-form';

type Client = Schema<'OAuthClientDto'>;
type Elevated = <T>(call: () => Promise<T>) => Promise<T>;
const LIMIT = 25;

function ClientRow({
  c,
  me,
  elevated,
  onSecret,
}: {
  c: Client;
  me: Me;
  elevated: Elevated;
  onSecret(label: string, secret: string): void;
}) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const path = { params: { path: { client_id: c.client_id } } };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['oauth-clients'] });
  const rotate = useMutation({
    mutationFn: () =>
      elevated(() => unwrap(api.POST('/api/v1/oauth/clients/{client_id}/rotate-secret', path))),
    onSuccess: (res) => {
      if (res.client_secret) onSecret(`New secret of ${res.name}`, res.client_secret);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/oauth/clients/{client_id}', path)),
    onSuccess: refresh,
  });
  return (
    <tr data-testid="oauth-row" data-client-id={c.client_id} data-name={c.name}>
      <td>
        <strong>{c.name}</strong>
        <div className="muted small">
          <code>{c.client_id}</code> {c.client_type}
        </div>
      </td>
      <td className="small">{c.grant_types.join(', ')}</td>
      <td className="small">{c.scopes.join(', ')}</td>
      <td className="small">{c.redirect_uris.join(' ') || '–'}</td>
      <td className="actions">
        {editing ? (
          <OAuthClientForm
            client={c}
            isAdmin={can(me, 'admin:access')}
            elevated={elevated}
            onSaved={() => setEditing(false)}
          />
        ) : (
          <>
            {can(me, 'oauth-client:update') ? (
              <button type="button" data-testid="oauth-edit" onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
            {c.client_type === 'confidential' && can(me, 'oauth-client:update') ? (
              <button
                type="button"
                data-testid="oauth-rotate"
                disabled={rotate.isPending}
                onClick={() => rotate.mutate()}
              >
                {rotate.isPending ? <Spinner label="Rotating" /> : null} New secret
              </button>
            ) : null}
            {can(me, 'oauth-client:delete') ? (
              <button
                type="button"
                className="danger"
                data-testid="oauth-delete"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(`Delete ${c.name}? Its tokens stop working.`)) remove.mutate();
                }}
              >
                Delete
              </button>
            ) : null}
          </>
        )}
        <ProblemAlert error={rotate.error ?? remove.error} testId="oauth-row-msg" />
      </td>
    </tr>
  );
}

/** Applications that sign users in through this product (OAuth 2 / OpenID Connect). */
export function OAuthClientsPage() {
  const { me } = useSession();
  const { elevated, dialog } = useElevation();
  const [params, setParams] = useUrlState();
  const offset = intParam(params, 'offset', 0);
  const [secret, setSecret] = useState<{ label: string; secret: string } | null>(null);
  const clients = useQuery({
    queryKey: adminKeys.oauthClients(offset),
    queryFn: () =>
      unwrap(api.GET('/api/v1/oauth/clients', { params: { query: { limit: LIMIT, offset } } })),
  });
  return (
    <Page title="OAuth clients" testId="oauth-clients">
      {dialog}
      {secret ? (
        <SecretOnce
          label={secret.label}
          secret={secret.secret}
          testId="oauth-secret"
          onDone={() => setSecret(null)}
        />
      ) : null}
      {can(me, 'oauth-client:create') ? (
        <details className="panel">
          <summary>Register a client</summary>
          <OAuthClientForm
            isAdmin={can(me, 'admin:access')}
            elevated={elevated}
            onSaved={(saved) => {
              if ('client_secret' in saved && saved.client_secret)
                setSecret({ label: `The secret of ${saved.name}`, secret: saved.client_secret });
            }}
          />
        </details>
      ) : null}
      {clients.isPending ? <Loading what="clients" /> : null}
      <ProblemAlert error={clients.error} testId="oauth-msg" />
      {clients.data ? (
        <>
          <table className="grid">
            <caption className="sr-only">OAuth clients</caption>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Grants</th>
                <th scope="col">Scopes</th>
                <th scope="col">Redirect URIs</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="oauth-list">
              {clients.data.items.map((c) => (
                <ClientRow
                  key={c.client_id}
                  c={c}
                  me={me}
                  elevated={elevated}
                  onSecret={(label, s) => setSecret({ label, secret: s })}
                />
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            count={clients.data.items.length}
            total={clients.data.total}
            limit={LIMIT}
            onOffset={(o) => setParams({ offset: o || null })}
          />
        </>
      ) : null}
    </Page>
  );
}
