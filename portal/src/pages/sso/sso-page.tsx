import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { Badge } from '../../components/badge';
import { useElevation } from '../../components/elevation';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { SsoProviderForm } from './sso-provider-form';

type Provider = Schema<'SsoProviderDto'>;
type Elevated = <T>(call: () => Promise<T>) => Promise<T>;

function ProviderRow({ p, elevated }: { p: Provider; elevated: Elevated }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const path = { params: { path: { id: p.id } } };
  const remove = useMutation({
    mutationFn: () => elevated(() => unwrap(api.DELETE('/api/v1/sso/providers/{id}', path))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.ssoProviders }),
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/sso/providers/{id}/test', path)),
  });
  return (
    <tr data-testid="sso-row" data-provider-id={p.id} data-name={p.name}>
      <td>
        <strong>{p.name}</strong>
        <div className="muted small">
          {p.template} ({p.protocol})
        </div>
      </td>
      <td>
        <Badge
          value={p.enabled ? 'enabled' : 'disabled'}
          className={p.enabled ? 's-completed' : 's-cancelled'}
          testId="sso-enabled-badge"
        />
      </td>
      <td className="small">
        <div>
          Redirect URI to register: <code data-testid="sso-callback">{p.callback_url}</code>
        </div>
        <div>
          Sign-in link: <code>{p.login_url}</code>
        </div>
        {p.metadata_url ? (
          <div>
            SAML metadata: <code>{p.metadata_url}</code>
          </div>
        ) : null}
      </td>
      <td className="actions">
        {editing ? (
          <SsoProviderForm provider={p} elevated={elevated} onDone={() => setEditing(false)} />
        ) : (
          <>
            <button type="button" data-testid="sso-edit" onClick={() => setEditing(true)}>
              Edit
            </button>
            {p.protocol === 'oidc' ? (
              <button
                type="button"
                data-testid="sso-test"
                disabled={test.isPending}
                onClick={() => test.mutate()}
              >
                {test.isPending ? <Spinner label="Testing" /> : null} Test discovery
              </button>
            ) : null}
            <button
              type="button"
              className="danger"
              data-testid="sso-delete"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete ${p.name}? Its users can no longer sign in with it.`))
                  remove.mutate();
              }}
            >
              Delete
            </button>
          </>
        )}
        {test.data ? (
          <p role="status" className="small" data-testid="sso-test-result">
            {test.data.ok
              ? `Discovery works: ${test.data.issuer ?? ''}`
              : `Discovery failed: ${test.data.error ?? ''}`}
          </p>
        ) : null}
        <ProblemAlert error={remove.error ?? test.error} testId="sso-row-msg" />
      </td>
    </tr>
  );
}

/** The tenant's single sign-on providers (OIDC, OAuth 2, SAML): add, edit, test, delete. */
export function SsoPage() {
  const { elevated, dialog } = useElevation();
  const [adding, setAdding] = useState(false);
  const providers = useQuery({
    queryKey: adminKeys.ssoProviders,
    queryFn: () => unwrap(api.GET('/api/v1/sso/providers')),
  });
  return (
    <Page
      title="Single sign-on"
      testId="sso"
      actions={
        <button
          type="button"
          data-testid="sso-add"
          aria-expanded={adding}
          onClick={() => setAdding(!adding)}
        >
          {adding ? 'Close' : 'Add a provider'}
        </button>
      }
    >
      {dialog}
      {adding ? (
        <div className="panel">
          <SsoProviderForm elevated={elevated} onDone={() => setAdding(false)} />
        </div>
      ) : null}
      {providers.isPending ? <Loading what="providers" /> : null}
      <ProblemAlert error={providers.error} testId="sso-msg" />
      <table className="grid">
        <caption className="sr-only">Single sign-on providers</caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Status</th>
            <th scope="col">Addresses</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="sso-list">
          {providers.data && !providers.data.items.length ? (
            <tr>
              <td colSpan={4} className="muted">
                no providers: users sign in with a password
              </td>
            </tr>
          ) : null}
          {(providers.data?.items ?? []).map((p) => (
            <ProviderRow key={p.id} p={p} elevated={elevated} />
          ))}
        </tbody>
      </table>
    </Page>
  );
}
