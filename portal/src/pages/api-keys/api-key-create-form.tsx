import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { CheckList } from '../../components/check-list';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type KeyType = Schema<'CreateApiKeyDto'>['type'];
type CreatedKey = Schema<'ApiKeyWithSecretDto'>;

/** A new key: its name, kind, scopes (those the user may grant) and an optional expiry. */
export function ApiKeyCreateForm({
  scopes,
  isAdmin,
  elevated,
  onCreated,
}: {
  scopes: string[];
  isAdmin: boolean;
  elevated<T>(call: () => Promise<T>): Promise<T>;
  onCreated(key: CreatedKey): void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState<KeyType>('personal');
  const [chosen, setChosen] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      elevated(() =>
        unwrap(
          api.POST('/api/v1/api-keys', {
            body: {
              name,
              type,
              scopes: chosen,
              ...(expires ? { expires_at: new Date(`${expires}T23:59:59Z`).toISOString() } : {}),
            },
          }),
        ),
      ),
    onSuccess: (key) => {
      setName('');
      setChosen([]);
      setExpires('');
      onCreated(key);
      void queryClient.invalidateQueries({ queryKey: adminKeys.apiKeys });
    },
  });
  const types: KeyType[] = isAdmin
    ? ['personal', 'service', 'tenant', 'admin']
    : ['personal', 'service'];
  return (
    <form
      className="panel form-grid"
      data-testid="key-create"
      aria-labelledby="key-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3 id="key-create-heading">New API key</h3>
      <label>
        Name
        <input
          data-testid="key-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Kind
        <select
          data-testid="key-type"
          value={type}
          onChange={(e) => setType(e.target.value as KeyType)}
        >
          {types.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Expires on <span className="muted small">(optional)</span>
        <input
          type="date"
          data-testid="key-expires"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
      </label>
      <CheckList
        legend="Scopes"
        options={scopes}
        value={chosen}
        onChange={setChosen}
        testId="key-scopes"
      />
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="key-submit"
          disabled={create.isPending || !chosen.length}
        >
          {create.isPending ? <Spinner label="Creating" /> : null} Create key
        </button>
      </div>
      <ProblemAlert error={create.error} testId="key-create-msg" />
    </form>
  );
}
