import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import type { Schema } from '../../api/types';
import { useSession } from '../../auth/session-context';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import {
  WARN_PERCENT,
  groupDigits,
  quotaLabel,
  quotaLevel,
  rateLimitText,
  resetText,
  usageText,
} from './quota-format';

type Quota = Schema<'QuotaUsageDto'>;

const STATUS_CLASS: Record<string, string> = {
  ACTIVE: 's-completed',
  PENDING: 's-pending',
  SUSPENDED: 's-failed',
  DELETED: 's-cancelled',
};

function QuotaRow({ q }: { q: Quota }) {
  const level = quotaLevel(q);
  const labelId = `quota-label-${q.resource}`;
  const foot = [
    q.remaining !== null && q.remaining !== undefined ? `${groupDigits(q.remaining)} left` : '',
    resetText(q.resets_at),
  ].filter(Boolean);
  return (
    <li
      className={`quota quota-${level}`}
      data-testid="quota-row"
      data-resource={q.resource}
      data-level={level}
    >
      <div className="quota-head">
        <span id={labelId} className="quota-label">
          {quotaLabel(q.resource)}
        </span>
        <span className="quota-usage" data-testid="quota-usage" data-used={String(q.used)}>
          {usageText(q)}
        </span>
      </div>
      {level === 'none' ? (
        // No limit: an empty track, nothing to fill; the text says "unlimited".
        <div className="quota-nolimit" aria-hidden="true" />
      ) : (
        // Its colour turns at 80 % (low) and 95 % (high); optimum is an empty quota.
        <meter
          className="quota-meter"
          data-testid="quota-meter"
          aria-labelledby={labelId}
          min={0}
          max={100}
          low={WARN_PERCENT}
          high={95}
          optimum={0}
          value={q.percent ?? 0}
          title={`${q.percent}% used`}
        >
          {q.percent}%
        </meter>
      )}
      {foot.length ? (
        <div className="muted small" data-testid="quota-reset">
          {foot.join(' · ')}
        </div>
      ) : null}
    </li>
  );
}

/** The signed-in tenant: tier, lifecycle status, quotas as bars and its rate limits. */
export function TenantPanel() {
  const { config } = useSession();
  const tenant = useQuery({
    queryKey: keys.tenant,
    queryFn: () => unwrap(api.GET('/api/v1/tenants/me')),
    refetchInterval: config.refresh_ms,
  });
  // Its reads count against the API-calls quota: refreshed on the tick and when goals start or end.
  const stats = useQuery({
    queryKey: keys.tenantStats,
    queryFn: () => unwrap(api.GET('/api/v1/tenants/me/stats')),
    refetchInterval: config.refresh_ms,
  });
  if (tenant.isPending || stats.isPending) return <Loading what="the tenant" />;
  if (tenant.isError || stats.isError)
    return (
      <div data-testid="tenant-msg">
        <ProblemAlert
          error={tenant.error ?? stats.error}
          permission="tenant:read"
          action="see the tenant's usage"
        />
      </div>
    );
  const t = tenant.data;
  const s = stats.data;
  const tier = s.tier || t.tier;
  const status = s.status || t.status;
  return (
    <section className="panel tenant" data-testid="tenant" aria-labelledby="tenant-heading">
      <div className="row tenant-head">
        <h3 id="tenant-heading">
          Tenant{' '}
          <span className="tenant-name" data-testid="tenant-name">
            {t.name}
          </span>
        </h3>
        <span
          className={`badge tier tier-${String(tier).toLowerCase()}`}
          data-testid="tenant-tier"
          title="Tier"
        >
          {tier}
        </span>
        <span
          className={`badge ${STATUS_CLASS[status] ?? ''}`}
          data-testid="tenant-status"
          title="Status"
        >
          {String(status).toLowerCase()}
        </span>
        <span className="muted small" data-testid="tenant-status-reason">
          {typeof t.status_reason === 'string' ? t.status_reason : ''}
        </span>
      </div>
      <div className="tenant-body">
        <div>
          <h4 id="tenant-quotas-heading">Quotas</h4>
          <ul
            className="quotas"
            data-testid="tenant-quotas"
            aria-labelledby="tenant-quotas-heading"
          >
            {s.quotas.map((q) => (
              <QuotaRow key={q.resource} q={q} />
            ))}
          </ul>
        </div>
        <div>
          <h4 id="tenant-limits-heading">Rate limits</h4>
          <table className="grid" aria-labelledby="tenant-limits-heading">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Limit</th>
                <th scope="col">Strategy</th>
              </tr>
            </thead>
            <tbody data-testid="tenant-limits">
              {s.rate_limits.length ? null : (
                <tr>
                  <td colSpan={3} className="muted">
                    no per-tenant rate limits
                  </td>
                </tr>
              )}
              {s.rate_limits.map((r) => (
                <tr key={r.rule} data-testid="rate-limit-row" data-rule={r.rule}>
                  <td title={r.path}>{r.rule}</td>
                  <td>{rateLimitText(r)}</td>
                  <td>{r.strategy.toLowerCase().replace(/_/g, ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
