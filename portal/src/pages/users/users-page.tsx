import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { useElevation } from '../../components/elevation';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { intParam, useUrlState } from '../../hooks/use-url-state';
import { UserCreateForm } from './user-create-form';
import { UserRow } from './user-row';

const LIMIT = 25;

/** The tenant's users with their roles: create, give and take roles, disable, delete. */
export function UsersPage() {
  const { me } = useSession();
  const { elevated, dialog } = useElevation();
  const [params, setParams] = useUrlState();
  const offset = intParam(params, 'offset', 0);
  const users = useQuery({
    queryKey: adminKeys.users.list(offset),
    queryFn: () =>
      unwrap(api.GET('/api/v1/users', { params: { query: { limit: LIMIT, offset } } })),
  });
  const canReadRoles = can(me, 'role:read');
  const assignments = useQuery({
    queryKey: adminKeys.assignments,
    queryFn: () => unwrap(api.GET('/api/v1/role-assignments')),
    enabled: canReadRoles,
  });
  const roles = useQuery({
    queryKey: adminKeys.roles,
    queryFn: () => unwrap(api.GET('/api/v1/roles')),
    enabled: canReadRoles,
  });
  const roleNames = (roles.data?.items ?? []).map((r) => r.name);
  return (
    <Page title="Users" testId="users">
      {dialog}
      {can(me, 'user:create') ? <UserCreateForm /> : null}
      {users.isPending ? <Loading what="users" /> : null}
      <ProblemAlert error={users.error ?? assignments.error ?? roles.error} testId="users-msg" />
      {users.data ? (
        <>
          <table className="grid">
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Status</th>
                <th scope="col">Roles</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="users-list">
              {users.data.items.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  me={me}
                  assignments={(assignments.data?.items ?? []).filter((a) => a.user_id === u.id)}
                  roles={roleNames}
                  elevated={elevated}
                />
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            count={users.data.items.length}
            total={users.data.total}
            limit={LIMIT}
            onOffset={(o) => setParams({ offset: o || null })}
          />
        </>
      ) : null}
    </Page>
  );
}
