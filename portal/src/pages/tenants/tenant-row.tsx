import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { Badge } from '../../components/badge';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';
import { TenantQuotaBars } from './tenant-quota-bars';

type Tenant = Schema<'TenantDto'>;
type Tier = Tenant['tier'];
export const TIERS: Tier[] = ['FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'];
const STATUS_CLASS: Record<string, string> = {
  ACTIVE: 's-completed',
  PENDING: 's-pending',
  SUSPENDED: 's-failed',
  DELETED: 's-cancelled',
};

/** One tenant: tier (changeable), status and reason, quota bars, lifecycle actions, config. */
export function TenantRow({
  tenant,
  elevated,
}: {
  tenant: Tenant;
  elevated<T>(call: () => Promise<T>): Promise<T>;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [config, setConfig] = useState(() => JSON.stringify(tenant.config ?? {}, null, 2));
  const path = { params: { path: { id: tenant.id } } };
  const done = () => {
    setReason('');
    void queryClient.invalidateQueries({ queryKey: adminKeys.tenants.all });
  };
  const tier = useMutation({
    mutationFn: (next: Tier) =>
      unwrap(api.POST('/api/v1/tenants/{id}/upgrade', { ...path, body: { tier: next } })),
    onSuccess: done,
  });
  const suspend = useMutation({
    mutationFn: () =>
      elevated(() =>
        unwrap(api.POST('/api/v1/tenants/{id}/suspend', { ...path, body: { reason } })),
      ),
    onSuccess: done,
  });
  const activate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tenants/{id}/activate', path)),
    onSuccess: done,
  });
  const approve = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tenants/{id}/approve', path)),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => elevated(() => unwrap(api.DELETE('/api/v1/tenants/{id}', path))),
    onSuccess: done,
  });
  const saveConfig = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/tenants/{id}/config', {
          ...path,
          body: { config: JSON.parse(config) as Record<string, never> },
        }),
      ),
    onSuccess: done,
  });
  const busy = suspend.isPending || activate.isPending || approve.isPending || remove.isPending;
  const error =
    tier.error ??
    suspend.error ??
    activate.error ??
    approve.error ??
    remove.error ??
    saveConfig.error;
  const reasonId = `reason-${tenant.id}`;
  const statusReason = typeof tenant.status_reason === 'string' ? tenant.status_reason : '';
  return (
    <tr data-testid="tenant-row" data-slug={tenant.slug} data-status={tenant.status}>
      <td>
        <strong>{tenant.name}</strong>
        <div className="muted small">{tenant.slug}</div>
      </td>
      <td>
        <label className="sr-only" htmlFor={`tier-${tenant.id}`}>
          Tier of {tenant.name}
        </label>
        <select
          id={`tier-${tenant.id}`}
          data-testid="tenant-row-tier"
          value={tenant.tier}
          disabled={tier.isPending || tenant.status === 'DELETED'}
          onChange={(e) => tier.mutate(e.target.value as Tier)}
        >
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </td>
      <td>
        <Badge
          value={tenant.status.toLowerCase()}
          className={STATUS_CLASS[tenant.status]}
          testId="tenant-row-status"
        />
        {statusReason ? (
          <div className="muted small" data-testid="tenant-row-reason">
            {statusReason}
          </div>
        ) : null}
      </td>
      <td>{tenant.status === 'DELETED' ? null : <TenantQuotaBars tenantId={tenant.id} />}</td>
      <td className="actions">
        {tenant.status === 'ACTIVE' ? (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              suspend.mutate();
            }}
          >
            <label className="sr-only" htmlFor={reasonId}>
              Why suspend {tenant.name}
            </label>
            <input
              id={reasonId}
              data-testid="tenant-reason"
              placeholder="reason"
              required
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button type="submit" className="danger" data-testid="tenant-suspend" disabled={busy}>
              {suspend.isPending ? <Spinner label="Suspending" /> : null} Suspend
            </button>
          </form>
        ) : null}
        {tenant.status === 'SUSPENDED' ? (
          <button
            type="button"
            data-testid="tenant-activate"
            disabled={busy}
            onClick={() => activate.mutate()}
          >
            Activate
          </button>
        ) : null}
        {tenant.status === 'PENDING' ? (
          <button
            type="button"
            data-testid="tenant-approve"
            disabled={busy}
            onClick={() => approve.mutate()}
          >
            Approve
          </button>
        ) : null}
        {tenant.status !== 'DELETED' ? (
          <button
            type="button"
            className="danger"
            data-testid="tenant-delete"
            disabled={busy}
            onClick={() => {
              if (
                window.prompt(`Type ${tenant.slug} to delete this tenant (purged later).`) ===
                tenant.slug
              )
                remove.mutate();
            }}
          >
            Delete
          </button>
        ) : null}
        <details>
          <summary>Configuration</summary>
          <form
            className="form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              saveConfig.mutate();
            }}
          >
            <label>
              Settings (JSON, merged over the saved ones)
              <textarea
                data-testid="tenant-config"
                rows={5}
                value={config}
                onChange={(e) => setConfig(e.target.value)}
              />
            </label>
            <button type="submit" data-testid="tenant-config-save" disabled={saveConfig.isPending}>
              Save configuration
            </button>
          </form>
        </details>
        <ProblemAlert error={error} testId="tenant-row-msg" />
      </td>
    </tr>
  );
}
