import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';
import { quotaLabel, quotaLevel, usageText, WARN_PERCENT } from '../tenant/quota-format';

/** One tenant's quotas as bars: used against the limit, coloured from 80 % on. */
export function TenantQuotaBars({ tenantId }: { tenantId: string }) {
  const stats = useQuery({
    queryKey: adminKeys.tenants.stats(tenantId),
    queryFn: () =>
      unwrap(api.GET('/api/v1/tenants/{id}/stats', { params: { path: { id: tenantId } } })),
  });
  if (stats.isPending) return <Spinner label="Loading the quotas" />;
  if (stats.isError) return <ProblemAlert error={stats.error} testId="tenant-quota-msg" />;
  return (
    <ul className="quotas tenant-quota-bars" data-testid="tenant-quota-bars">
      {stats.data.quotas
        .filter((q) => quotaLevel(q) !== 'none')
        .map((q) => {
          const id = `q-${tenantId}-${q.resource}`;
          return (
            <li
              key={q.resource}
              className={`quota quota-${quotaLevel(q)}`}
              data-resource={q.resource}
            >
              <div className="quota-head small">
                <span id={id}>{quotaLabel(q.resource)}</span> <span>{usageText(q)}</span>
              </div>
              <meter
                className="quota-meter"
                aria-labelledby={id}
                min={0}
                max={100}
                low={WARN_PERCENT}
                high={95}
                optimum={0}
                value={q.percent ?? 0}
              >
                {q.percent}%
              </meter>
            </li>
          );
        })}
    </ul>
  );
}
