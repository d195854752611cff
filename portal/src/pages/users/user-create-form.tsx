import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

/** A new user: email, name and an optional password (none: signs in through SSO only). */
export function UserCreateForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/users', {
          body: { email, display_name: name, ...(password ? { password } : {}) },
        }),
      ),
    onSuccess: () => {
      setEmail('');
      setName('');
      setPassword('');
      void queryClient.invalidateQueries({ queryKey: adminKeys.users.all });
    },
  });
  return (
    <form
      className="panel form-grid"
      data-testid="user-create"
      aria-labelledby="user-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="user-create-heading">New user</h3>
      <label>
        Email
        <input
          type="email"
          data-testid="user-new-email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label>
        Display name
        <input
          data-testid="user-new-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Password <span className="muted small">(leave empty for single sign-on only)</span>
        <input
          type="password"
          autoComplete="new-password"
          data-testid="user-new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="user-submit"
          disabled={create.isPending}
        >
          {create.isPending ? <Spinner label="Creating" /> : null} Create user
        </button>
        <span role="status" className="muted small" data-testid="user-create-status">
          {create.isSuccess ? `Created ${create.data.email}.` : ''}
        </span>
      </div>
      <ProblemAlert error={create.error} testId="user-create-msg" />
    </form>
  );
}
