import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { StatusSelect } from '../../components/status-select';
import { SecretOnce } from '../../components/secret-once';
import { Loading } from '../../components/spinner';
import { intParam, useUrlState } from '../../hooks/use-url-state';
import { WebhookActions } from './webhook-actions';
import { WebhookCreateForm } from './webhook-create-form';

type Status = Schema<'WebhookDto'>['status'];
const STATUSES = ['ACTIVE', 'PAUSED', 'DISABLED', 'FAILED'] as const;
export const WEBHOOK_STATUS_CLASS: Record<string, string> = {
  ACTIVE: 's-completed',
  PAUSED: 's-pending',
  DISABLED: 's-cancelled',
  FAILED: 's-failed',
};
const LIMIT = 25;
type Webhook = Schema<'WebhookDto'>;

/** The tenant's webhook endpoints: add, pause or resume, new secret, delete; their deliveries. */
export function WebhooksPage() {
  const { me } = useSession();
  const [params, setParams] = useUrlState();
  const offset = intParam(params, 'offset', 0);
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as Status)
    : undefined;
  const [secret, setSecret] = useState<{ label: string; secret: string } | null>(null);
  const hooks = useQuery({
    queryKey: adminKeys.webhooks.list({ offset, status }),
    queryFn: () =>
      unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: LIMIT, offset, status } } })),
  });
  const onSecret = (label: string, s: string) => setSecret({ label, secret: s });
  return (
    <Page title="Webhooks" testId="webhooks">
      {secret ? (
        <SecretOnce
          label={secret.label}
          secret={secret.secret}
          testId="webhook-secret"
          onDone={() => setSecret(null)}
        />
      ) : null}
      {can(me, 'webhook:create') ? (
        <details className="panel">
          <summary>Add an endpoint</summary>
          <WebhookCreateForm
            onCreated={(c) => onSecret(`The signing secret of ${c.name}`, c.secret)}
          />
        </details>
      ) : null}
      <form
        className="filters"
        role="search"
        aria-label="Filter endpoints"
        onSubmit={(e) => e.preventDefault()}
      >
        <StatusSelect
          statuses={STATUSES}
          value={status}
          onChange={(value) => setParams({ status: value, offset: null })}
          testId="webhooks-status"
        />
      </form>
      {hooks.isPending ? <Loading what="endpoints" /> : null}
      <ProblemAlert error={hooks.error} testId="webhooks-msg" />
      {hooks.data ? (
        <>
          <table className="grid">
            <caption className="sr-only">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Last delivery</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="webhooks-list">
              {hooks.data.items.length ? null : (
                <tr>
                  <td colSpan={5} className="muted">
                    no endpoints
                  </td>
                </tr>
              )}
              {hooks.data.items.map((h: Webhook) => (
                <tr
                  key={h.id}
                  data-testid="webhook-row"
                  data-webhook-id={h.id}
                  data-name={h.name}
                  data-status={h.status}
                >
                  <td>
                    <Link href={`/webhooks/${h.id}`} data-testid="webhook-open">
                      {h.name}
                    </Link>
                    <div className="muted small">{h.url}</div>
                  </td>
                  <td className="small">{h.events.join(', ')}</td>
                  <td>
                    <Badge
                      value={h.status.toLowerCase()}
                      className={WEBHOOK_STATUS_CLASS[h.status]}
                      testId="webhook-status"
                    />
                    {h.status_reason ? <div className="muted small">{h.status_reason}</div> : null}
                  </td>
                  <td className="small">{fmtWhen(h.last_delivery_at)}</td>
                  <td className="actions">
                    <WebhookActions
                      hook={h}
                      canUpdate={can(me, 'webhook:update')}
                      canDelete={can(me, 'webhook:delete')}
                      onSecret={onSecret}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            count={hooks.data.items.length}
            total={hooks.data.total}
            limit={LIMIT}
            onOffset={(o) => setParams({ offset: o || null })}
          />
        </>
      ) : null}
    </Page>
  );
}
