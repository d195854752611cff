import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { useElevation } from '../../components/elevation';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';
import { RoleCreateForm } from './role-create-form';

type Role = Schema<'RoleDto'>;

/** The tenant's roles: the built-in ones and custom roles with their permissions. */
export function RolesPage() {
  const { me } = useSession();
  const { elevated, dialog } = useElevation();
  const queryClient = useQueryClient();
  const roles = useQuery({
    queryKey: adminKeys.roles,
    queryFn: () => unwrap(api.GET('/api/v1/roles')),
  });
  const permissions = useQuery({
    queryKey: adminKeys.permissions,
    queryFn: () => unwrap(api.GET('/api/v1/permissions')),
    enabled: can(me, 'role:create'),
  });
  const remove = useMutation({
    mutationFn: (name: string) =>
      elevated(() => unwrap(api.DELETE('/api/v1/roles/{name}', { params: { path: { name } } }))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.roles }),
  });
  return (
    <Page title="Roles" testId="roles">
      {dialog}
      {can(me, 'role:create') && permissions.data ? (
        <RoleCreateForm permissions={permissions.data.permissions} elevated={elevated} />
      ) : null}
      {roles.isPending ? <Loading what="roles" /> : null}
      <ProblemAlert error={roles.error ?? remove.error} testId="roles-msg" />
      <table className="grid">
        <caption className="sr-only">Roles</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Permissions</th>
            <th scope="col">Inherits</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="roles-list">
          {(roles.data?.items ?? []).map((r: Role) => (
            <tr key={r.name} data-testid="role-row" data-role={r.name}>
              <td>
                <strong>{r.name}</strong>{' '}
                {r.built_in ? <span className="muted small">built-in</span> : null}
                <div className="muted small">{r.description}</div>
              </td>
              <td className="small" data-testid="role-row-permissions">
                {r.permissions.join(', ') || '–'}
              </td>
              <td className="small">{r.inherits.join(', ') || '–'}</td>
              <td>
                {!r.built_in && can(me, 'role:delete') ? (
                  <button
                    type="button"
                    className="danger"
                    data-testid="role-delete"
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete the role ${r.name}?`)) remove.mutate(r.name);
                    }}
                  >
                    Delete
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
