import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type Webhook = Schema<'WebhookDto'>;

/** Pause or resume, a new signing secret (shown once), delete. */
export function WebhookActions({
  hook,
  canUpdate,
  canDelete,
  onSecret,
}: {
  hook: Webhook;
  canUpdate: boolean;
  canDelete: boolean;
  onSecret(label: string, secret: string): void;
}) {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const path = { params: { path: { id: hook.id } } };
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.webhooks.all });
  const toggle = useMutation({
    mutationFn: () =>
      hook.status === 'ACTIVE'
        ? unwrap(api.POST('/api/v1/webhooks/{id}/pause', path))
        : unwrap(api.POST('/api/v1/webhooks/{id}/resume', path)),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/webhooks/{id}/rotate-secret', path)),
    onSuccess: (res) => {
      onSecret(`New signing secret of ${res.name} (the old one works for a while)`, res.secret);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/webhooks/{id}', path)),
    onSuccess: () => {
      void refresh();
      navigate('/webhooks');
    },
  });
  return (
    <>
      {canUpdate ? (
        <button
          type="button"
          data-testid="webhook-toggle"
          disabled={toggle.isPending}
          onClick={() => toggle.mutate()}
        >
          {toggle.isPending ? <Spinner label="Saving" /> : null}{' '}
          {hook.status === 'ACTIVE' ? 'Pause' : 'Resume'}
        </button>
      ) : null}
      {canUpdate ? (
        <button
          type="button"
          data-testid="webhook-rotate"
          disabled={rotate.isPending}
          onClick={() => rotate.mutate()}
        >
          New secret
        </button>
      ) : null}
      {canDelete ? (
        <button
          type="button"
          className="danger"
          data-testid="webhook-delete"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete ${hook.name}? Pending deliveries are dropped.`))
              remove.mutate();
          }}
        >
          Delete
        </button>
      ) : null}
      <ProblemAlert
        error={toggle.error ?? rotate.error ?? remove.error}
        testId="webhook-action-msg"
      />
    </>
  );
}
