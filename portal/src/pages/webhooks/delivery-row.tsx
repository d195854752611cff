import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';

type Delivery = Schema<'WebhookDeliveryDto'>;
const STATUS_CLASS: Record<string, string> = {
  PENDING: 's-pending',
  RETRYING: 's-running',
  DELIVERED: 's-completed',
  EXPIRED: 's-failed',
};

function Attempts({ hookId, deliveryId }: { hookId: string; deliveryId: string }) {
  const detail = useQuery({
    queryKey: adminKeys.webhooks.delivery(hookId, deliveryId),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/webhooks/{id}/deliveries/{delivery_id}', {
          params: { path: { id: hookId, delivery_id: deliveryId } },
        }),
      ),
  });
  if (detail.isPending) return <Loading what="the attempts" />;
  if (detail.isError) return <ProblemAlert error={detail.error} testId="attempts-msg" />;
  return (
    <table className="grid" data-testid="attempts">
      <caption className="small">Attempts</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Started</th>
          <th scope="col">Took</th>
          <th scope="col">Answer</th>
          <th scope="col">Response body (start)</th>
        </tr>
      </thead>
      <tbody>
        {detail.data.attempt_log.map((a) => (
          <tr key={a.attempt} data-testid="attempt-row">
            <td>{a.attempt}</td>
            <td>{fmtWhen(a.started_at)}</td>
            <td>{a.duration_ms} ms</td>
            <td data-testid="attempt-status">{a.response_status ?? a.error ?? '–'}</td>
            <td>
              <pre className="small" data-testid="attempt-body">
                {(a.response_body ?? '').slice(0, 300)}
              </pre>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One delivery: its event, status, attempts (on demand), and sending it again. */
export function DeliveryRow({
  hookId,
  d,
  canRedeliver,
}: {
  hookId: string;
  d: Delivery;
  canRedeliver: boolean;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const redeliver = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver', {
          params: { path: { id: hookId, delivery_id: d.id } },
        }),
      ),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: ['webhooks', 'deliveries', hookId] }),
  });
  return (
    <>
      <tr
        data-testid="delivery-row"
        data-delivery-id={d.id}
        data-status={d.status}
        data-event={d.event_type}
      >
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={open}
            data-testid="delivery-open"
            onClick={() => setOpen(!open)}
          >
            {d.event_type}
          </button>
          {d.redelivery_of ? <div className="muted small">sent again</div> : null}
        </td>
        <td>
          <Badge
            value={d.status.toLowerCase()}
            className={STATUS_CLASS[d.status]}
            testId="delivery-status"
          />
        </td>
        <td>{d.attempts}</td>
        <td data-testid="delivery-response">{d.last_response_status ?? d.last_error ?? '–'}</td>
        <td className="small">{fmtWhen(d.last_attempt_at ?? d.created_at)}</td>
        <td>
          {canRedeliver ? (
            <button
              type="button"
              data-testid="delivery-redeliver"
              disabled={redeliver.isPending}
              onClick={() => redeliver.mutate()}
            >
              {redeliver.isPending ? <Spinner label="Sending" /> : null} Send again
            </button>
          ) : null}
          <ProblemAlert error={redeliver.error} testId="delivery-msg" />
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            <Attempts hookId={hookId} deliveryId={d.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
