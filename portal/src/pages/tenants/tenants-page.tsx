import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { useElevation } from '../../components/elevation';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { useUrlState } from '../../hooks/use-url-state';
import { TenantCreateForm } from './tenant-create-form';
import { TenantRow } from './tenant-row';

const STATUSES = ['ACTIVE', 'PENDING', 'SUSPENDED', 'DELETED'];

/** Every tenant, for platform administrators: tier, status, quotas, lifecycle, settings. */
export function TenantsPage() {
  const { me } = useSession();
  const { elevated, dialog } = useElevation();
  const [params, setParams] = useUrlState();
  const status = params.get('status') ?? '';
  const search = params.get('q') ?? '';
  const tenants = useQuery({
    queryKey: adminKeys.tenants.all,
    queryFn: () => unwrap(api.GET('/api/v1/tenants')),
  });
  const items = (tenants.data?.items ?? []).filter(
    (t) =>
      (!status || t.status === status) &&
      (!search || `${t.slug} ${t.name}`.toLowerCase().includes(search.toLowerCase())),
  );
  return (
    <Page title="Tenants" testId="tenants">
      {dialog}
      {can(me, 'tenant:create') ? <TenantCreateForm /> : null}
      <form
        className="filters"
        role="search"
        aria-label="Filter tenants"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Status
          <select
            data-testid="tenants-status"
            value={status}
            onChange={(e) => setParams({ status: e.target.value })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Name or slug
          <input
            data-testid="tenants-search"
            type="search"
            value={search}
            onChange={(e) => setParams({ q: e.target.value }, { replace: true })}
          />
        </label>
      </form>
      {tenants.isPending ? <Loading what="tenants" /> : null}
      <ProblemAlert error={tenants.error} testId="tenants-msg" />
      <table className="grid">
        <caption className="sr-only">Tenants</caption>
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Tier</th>
            <th scope="col">Status</th>
            <th scope="col">Quotas</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="tenants-list">
          {tenants.data && !items.length ? (
            <tr>
              <td colSpan={5} className="muted">
                no tenant matches
              </td>
            </tr>
          ) : null}
          {items.map((t) => (
            <TenantRow key={t.id} tenant={t} elevated={elevated} />
          ))}
        </tbody>
      </table>
    </Page>
  );
}
