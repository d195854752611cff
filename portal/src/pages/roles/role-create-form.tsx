import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { CheckList } from '../../components/check-list';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

/** A custom role: a name, what it is for, and the permissions it grants. */
export function RoleCreateForm({
  permissions,
  elevated,
}: {
  permissions: string[];
  elevated<T>(call: () => Promise<T>): Promise<T>;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      elevated(() =>
        unwrap(api.POST('/api/v1/roles', { body: { name, description, permissions: chosen } })),
      ),
    onSuccess: () => {
      setName('');
      setDescription('');
      setChosen([]);
      void queryClient.invalidateQueries({ queryKey: adminKeys.roles });
    },
  });
  return (
    <form
      className="panel form-grid"
      data-testid="role-create"
      aria-labelledby="role-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="role-create-heading">New role</h3>
      <label>
        Name <span className="muted small">(lower-case letters, digits, dashes)</span>
        <input
          data-testid="role-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Description
        <input
          data-testid="role-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <CheckList
        legend="Permissions"
        options={permissions}
        value={chosen}
        onChange={setChosen}
        testId="role-permissions"
      />
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="role-submit"
          disabled={create.isPending}
        >
          {create.isPending ? <Spinner label="Creating" /> : null} Create role
        </button>
        <span role="status" className="muted small" data-testid="role-create-status">
          {create.isSuccess ? `Created ${create.data.name}.` : ''}
        </span>
      </div>
      <ProblemAlert error={create.error} testId="role-create-msg" />
    </form>
  );
}
