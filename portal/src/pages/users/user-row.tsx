import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Me, Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type User = Schema<'UserDto'>;
type Assignment = Schema<'AssignmentDto'>;

/** One user: status, roles (assign, unassign), enable or disable, delete. */
export function UserRow({
  user,
  me,
  assignments,
  roles,
  elevated,
}: {
  user: User;
  me: Me;
  assignments: Assignment[];
  roles: string[];
  elevated<T>(call: () => Promise<T>): Promise<T>;
}) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState('');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: adminKeys.users.all });
    void queryClient.invalidateQueries({ queryKey: adminKeys.assignments });
  };
  const path = { params: { path: { id: user.id } } };
  const setStatus = useMutation({
    mutationFn: (status: 'active' | 'disabled') =>
      unwrap(api.PATCH('/api/v1/users/{id}', { ...path, body: { status } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/users/{id}', path)),
    onSuccess: refresh,
  });
  const assign = useMutation({
    mutationFn: (name: string) =>
      elevated(() =>
        unwrap(api.POST('/api/v1/role-assignments', { body: { user_id: user.id, role: name } })),
      ),
    onSuccess: () => {
      setRole('');
      refresh();
    },
  });
  const unassign = useMutation({
    mutationFn: (id: string) =>
      elevated(() =>
        unwrap(api.DELETE('/api/v1/role-assignments/{id}', { params: { path: { id } } })),
      ),
    onSuccess: refresh,
  });
  const isSelf = user.id === me.user_id;
  const held = new Set(assignments.map((a) => a.role));
  const error = setStatus.error ?? remove.error ?? assign.error ?? unassign.error;
  return (
    <tr data-testid="user-row" data-user-email={user.email} data-status={user.status}>
      <td>
        {user.display_name}
        <div className="muted small">{user.email}</div>
      </td>
      <td>
        <Badge
          value={user.status}
          className={user.status === 'active' ? 's-completed' : 's-cancelled'}
          testId="user-status"
        />
        {user.locked ? <Badge value="locked" className="s-failed" /> : null}
      </td>
      <td>
        <ul className="chips" data-testid="user-roles" aria-label={`Roles of ${user.email}`}>
          {assignments.map((a) => (
            <li key={a.id} data-role={a.role}>
              {a.role}
              {can(me, 'role:assign') ? (
                <button
                  type="button"
                  className="chip-remove"
                  data-testid="user-unassign"
                  aria-label={`Remove the role ${a.role} from ${user.email}`}
                  disabled={unassign.isPending}
                  onClick={() => unassign.mutate(a.id)}
                >
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {can(me, 'role:assign') ? (
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (role) assign.mutate(role);
            }}
          >
            <label className="sr-only" htmlFor={`assign-${user.id}`}>
              Role to give {user.email}
            </label>
            <select
              id={`assign-${user.id}`}
              data-testid="user-assign-role"
              value={role}
              onChange={(e) => setRole(e.target.value)}
            >
              <option value="">add a role…</option>
              {roles
                .filter((r) => !held.has(r))
                .map((r) => (
                  <option key={r}>{r}</option>
                ))}
            </select>
            <button type="submit" data-testid="user-assign" disabled={!role || assign.isPending}>
              {assign.isPending ? <Spinner label="Assigning" /> : null} Assign
            </button>
          </form>
        ) : null}
      </td>
      <td>{fmtWhen(user.last_login_at)}</td>
      <td className="actions">
        {can(me, 'user:update') && !isSelf ? (
          <button
            type="button"
            data-testid="user-toggle"
            disabled={setStatus.isPending}
            onClick={() => setStatus.mutate(user.status === 'active' ? 'disabled' : 'active')}
          >
            {setStatus.isPending ? <Spinner label="Saving" /> : null}{' '}
            {user.status === 'active' ? 'Disable' : 'Enable'}
          </button>
        ) : null}
        {can(me, 'user:delete') && !isSelf ? (
          <button
            type="button"
            className="danger"
            data-testid="user-delete"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete ${user.email}? Their sessions end at once.`))
                remove.mutate();
            }}
          >
            Delete
          </button>
        ) : null}
        <ProblemAlert error={error} testId="user-msg" />
      </td>
    </tr>
  );
}
