import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Schema } from '../../api/types';
import { CheckList, splitList } from '../../components/check-list';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type Client = Schema<'OAuthClientDto'>;
type Created = Schema<'OAuthClientWithSecretDto'>;
type Create = Schema<'CreateOAuthClientDto'>;
type Grant = NonNullable<Create['grant_types']>[number];
type Scope = NonNullable<Create['scopes']>[number];

const GRANTS: Grant[] = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
];
const SCOPES: Scope[] = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'admin',
  'agents:execute',
  'agents:read',
  'agents:write',
  'api-keys:read',
  'api-keys:write',
  'audit:read',
  'audit:write',
  'goals:read',
  'goals:write',
  'mcp-servers:write',
  'memory:read',
  'memory:write',
  'oauth-clients:read',
  'oauth-clients:write',
  'plugins:read',
  'plugins:write',
  'roles:read',
  'roles:write',
  'sessions:read',
  'sessions:write',
  'tenants:read',
  'tenants:write',
  'tools:execute',
  'tools:read',
  'tools:write',
  'users:read',
  'users:write',
  'webhooks:read',
  'webhooks:write',
];

/** A client application's registration, new (`client` absent) or edited. */
export function OAuthClientForm({
  client,
  isAdmin,
  elevated,
  onSaved,
}: {
  client?: Client;
  isAdmin: boolean;
  elevated<T>(call: () => Promise<T>): Promise<T>;
  onSaved(saved: Created | Client): void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(client?.name ?? '');
  const [type, setType] = useState<Create['client_type']>(client?.client_type ?? 'confidential');
  const [redirects, setRedirects] = useState(client?.redirect_uris.join('\n') ?? '');
  const [grants, setGrants] = useState<string[]>(
    client?.grant_types ?? ['authorization_code', 'refresh_token'],
  );
  const [scopes, setScopes] = useState<string[]>(
    client?.scopes ?? ['openid', 'profile', 'email', 'offline_access'],
  );
  const [skipConsent, setSkipConsent] = useState(client?.skip_consent ?? false);
  const save = useMutation({
    mutationFn: (): Promise<Created | Client> => {
      const body = {
        name,
        redirect_uris: splitList(redirects),
        grant_types: grants as Grant[],
        scopes: scopes as Scope[],
        skip_consent: skipConsent,
      };
      if (client)
        return unwrap(
          api.PATCH('/api/v1/oauth/clients/{client_id}', {
            params: { path: { client_id: client.client_id } },
            body,
          }),
        );
      return elevated(() =>
        unwrap(api.POST('/api/v1/oauth/clients', { body: { ...body, client_type: type } })),
      );
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['oauth-clients'] });
      onSaved(saved);
    },
  });
  return (
    <form
      className="form-grid"
      data-testid={client ? 'oauth-edit-form' : 'oauth-create'}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Name
        <input
          data-testid="oauth-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {client ? null : (
        <label>
          Kind
          <select
            data-testid="oauth-type"
            value={type}
            onChange={(e) => setType(e.target.value as Create['client_type'])}
          >
            <option value="confidential">confidential (a server: gets a secret)</option>
            <option value="public">public (a browser or mobile app: no secret)</option>
          </select>
        </label>
      )}
      <label>
        Redirect URIs <span className="muted small">(one a line)</span>
        <textarea
          data-testid="oauth-redirects"
          rows={2}
          value={redirects}
          onChange={(e) => setRedirects(e.target.value)}
        />
      </label>
      <CheckList
        legend="Grants"
        options={GRANTS}
        value={grants}
        onChange={setGrants}
        testId="oauth-grants"
      />
      <CheckList
        legend="Scopes it may ask for"
        options={SCOPES}
        value={scopes}
        onChange={setScopes}
        testId="oauth-scopes"
      />
      {isAdmin ? (
        <label className="check">
          <input
            type="checkbox"
            checked={skipConsent}
            onChange={(e) => setSkipConsent(e.target.checked)}
          />{' '}
          First-party: do not ask users to consent
        </label>
      ) : null}
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="oauth-submit"
          disabled={save.isPending}
        >
          {save.isPending ? <Spinner label="Saving" /> : null} {client ? 'Save' : 'Register client'}
        </button>
      </div>
      <ProblemAlert error={save.error} testId="oauth-form-msg" />
    </form>
  );
}
