import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { splitList } from '../../components/check-list';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';
import { parseSettings, settingsText } from './settings-text';

type Provider = Schema<'SsoProviderDto'>;
type Template = Provider['template'];
const TEMPLATES: Template[] = [
  'google',
  'microsoft',
  'github',
  'okta',
  'auth0',
  'onelogin',
  'oidc',
  'oauth2',
  'saml',
];

/**
 * A provider's form, new (`provider` absent) or edited. The client secret is write-only:
 * left empty on an edit, the saved one stays.
 */
export function SsoProviderForm({
  provider,
  elevated,
  onDone,
}: {
  provider?: Provider;
  elevated<T>(call: () => Promise<T>): Promise<T>;
  onDone(): void;
}) {
  const queryClient = useQueryClient();
  const prefix = provider ? `sso-edit-${provider.id}` : 'sso-new';
  const [template, setTemplate] = useState<Template>(provider?.template ?? 'oidc');
  const [name, setName] = useState(provider?.name ?? '');
  const [settings, setSettings] = useState(
    provider ? settingsText(provider.settings) : 'client_id = \nissuer = ',
  );
  const [secret, setSecret] = useState('');
  const [domains, setDomains] = useState(provider?.allowed_domains.join(', ') ?? '');
  const [jit, setJit] = useState(provider?.jit_enabled ?? false);
  const [role, setRole] = useState(provider?.default_role ?? 'viewer');
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        settings: parseSettings(settings),
        allowed_domains: splitList(domains),
        jit_enabled: jit,
        default_role: role,
        enabled,
        ...(secret ? { client_secret: secret } : {}),
      };
      return elevated(() =>
        provider
          ? unwrap(
              api.PATCH('/api/v1/sso/providers/{id}', {
                params: { path: { id: provider.id } },
                body,
              }),
            )
          : unwrap(api.POST('/api/v1/sso/providers', { body: { ...body, template } })),
      );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.ssoProviders });
      onDone();
    },
  });
  return (
    <form
      className="form-grid"
      data-testid={provider ? 'sso-edit-form' : 'sso-create'}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {provider ? null : (
        <label>
          Kind
          <select
            data-testid="sso-template"
            value={template}
            onChange={(e) => setTemplate(e.target.value as Template)}
          >
            {TEMPLATES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        Name
        <input
          id={`${prefix}-name`}
          data-testid="sso-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Settings{' '}
        <span className="muted small">
          (one <code>name = value</code> a line: client_id, issuer, domain, …)
        </span>
        <textarea
          data-testid="sso-settings"
          rows={4}
          value={settings}
          onChange={(e) => setSettings(e.target.value)}
        />
      </label>
      <label>
        Client secret{' '}
        <span className="muted small">
          {provider?.has_client_secret
            ? '(saved; type a new one to replace it)'
            : '(stored sealed, never shown again)'}
        </span>
        <input
          type="password"
          autoComplete="off"
          data-testid="sso-secret"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
      </label>
      <label>
        Allowed email domains <span className="muted small">(comma-separated; empty: any)</span>
        <input
          data-testid="sso-domains"
          value={domains}
          onChange={(e) => setDomains(e.target.value)}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="sso-jit"
          checked={jit}
          onChange={(e) => setJit(e.target.checked)}
        />{' '}
        Create unknown users at their first sign-in
      </label>
      <label>
        Their role
        <input data-testid="sso-role" value={role} onChange={(e) => setRole(e.target.value)} />
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="sso-enabled"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />{' '}
        Enabled
      </label>
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="sso-submit"
          disabled={save.isPending}
        >
          {save.isPending ? <Spinner label="Saving" /> : null} {provider ? 'Save' : 'Add provider'}
        </button>
        {provider ? (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </div>
      <ProblemAlert error={save.error} testId="sso-form-msg" />
    </form>
  );
}
