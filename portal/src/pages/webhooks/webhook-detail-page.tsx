import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { StatusSelect } from '../../components/status-select';
import { SecretOnce } from '../../components/secret-once';
import { Loading, Spinner } from '../../components/spinner';
import { intParam, useUrlState } from '../../hooks/use-url-state';
import { DeliveryRow } from './delivery-row';
import { WebhookActions } from './webhook-actions';
import { WEBHOOK_STATUS_CLASS } from './webhooks-page';

type DeliveryStatus = Schema<'WebhookDeliveryDto'>['status'];
const STATUSES: DeliveryStatus[] = ['PENDING', 'RETRYING', 'DELIVERED', 'EXPIRED'];
const LIMIT = 25;

/** One endpoint: its settings, a test event, and its deliveries with their attempts. */
export function WebhookDetailPage() {
  const { me, config } = useSession();
  const { id = '' } = useParams<{ id: string }>();
  const queryClient = useQueryClient();
  const [params, setParams] = useUrlState();
  const offset = intParam(params, 'offset', 0);
  const status = STATUSES.find((s) => s === params.get('status'));
  const eventType = params.get('event_type') ?? '';
  const [secret, setSecret] = useState<{ label: string; secret: string } | null>(null);
  const hook = useQuery({
    queryKey: adminKeys.webhooks.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })),
  });
  const filters = { offset, status, event_type: eventType || undefined };
  const deliveries = useQuery({
    queryKey: adminKeys.webhooks.deliveries(id, filters),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { limit: LIMIT, ...filters } },
        }),
      ),
    refetchInterval: Math.min(config.refresh_ms, 5000),
  });
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhooks', 'deliveries', id] }),
  });
  const h = hook.data;
  const canUpdate = can(me, 'webhook:update');
  return (
    <Page
      title={h ? `Webhook ${h.name}` : 'Webhook'}
      testId="webhook-detail"
      actions={<Link href="/webhooks">All endpoints</Link>}
    >
      {secret ? (
        <SecretOnce
          label={secret.label}
          secret={secret.secret}
          testId="webhook-secret"
          onDone={() => setSecret(null)}
        />
      ) : null}
      {hook.isPending ? <Loading what="the endpoint" /> : null}
      <ProblemAlert error={hook.error} testId="webhook-msg" />
      {h ? (
        <section className="panel" aria-label="Endpoint">
          <p>
            <code data-testid="webhook-detail-url">{h.url}</code>{' '}
            <Badge
              value={h.status.toLowerCase()}
              className={WEBHOOK_STATUS_CLASS[h.status]}
              testId="webhook-status"
            />
          </p>
          <p className="small">
            Events: {h.events.join(', ')}
            {h.filters ? ` · filters ${JSON.stringify(h.filters)}` : ''}
          </p>
          <div className="row">
            {canUpdate ? (
              <button
                type="button"
                data-testid="webhook-test"
                disabled={test.isPending}
                onClick={() => test.mutate()}
              >
                {test.isPending ? <Spinner label="Sending" /> : null} Send a test event
              </button>
            ) : null}
            <WebhookActions
              hook={h}
              canUpdate={canUpdate}
              canDelete={can(me, 'webhook:delete')}
              onSecret={(label, s) => setSecret({ label, secret: s })}
            />
          </div>
          <ProblemAlert error={test.error} testId="webhook-test-msg" />
        </section>
      ) : null}
      <h3>Deliveries</h3>
      <form
        className="filters"
        role="search"
        aria-label="Filter deliveries"
        onSubmit={(e) => e.preventDefault()}
      >
        <StatusSelect
          statuses={STATUSES}
          value={status}
          onChange={(value) => setParams({ status: value, offset: null })}
          testId="deliveries-status"
        />
        <label>
          Event type
          <input
            data-testid="deliveries-event"
            value={eventType}
            onChange={(e) =>
              setParams({ event_type: e.target.value, offset: null }, { replace: true })
            }
          />
        </label>
      </form>
      {deliveries.isPending ? <Loading what="deliveries" /> : null}
      <ProblemAlert error={deliveries.error} testId="deliveries-msg" />
      {deliveries.data ? (
        <>
          <table className="grid">
            <caption className="sr-only">Deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="deliveries-list">
              {deliveries.data.items.length ? null : (
                <tr>
                  <td colSpan={6} className="muted">
                    no deliveries
                  </td>
                </tr>
              )}
              {deliveries.data.items.map((d) => (
                <DeliveryRow key={d.id} hookId={id} d={d} canRedeliver={canUpdate} />
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            count={deliveries.data.items.length}
            total={deliveries.data.total}
            limit={LIMIT}
            onOffset={(o) => setParams({ offset: o || null })}
          />
        </>
      ) : null}
    </Page>
  );
}
