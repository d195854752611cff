import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';
import { TIERS } from './tenant-row';

type Tier = Schema<'CreateTenantDto'>['tier'];

/** A new tenant: slug, name, tier, owner; active at once or waiting for approval. */
export function TenantCreateForm() {
  const queryClient = useQueryClient();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [tier, setTier] = useState<Tier>('FREE');
  const [owner, setOwner] = useState('');
  const [pending, setPending] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/tenants', {
          body: {
            slug,
            name,
            tier,
            status: pending ? 'PENDING' : 'ACTIVE',
            ...(owner ? { owner_email: owner } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setSlug('');
      setName('');
      setOwner('');
      void queryClient.invalidateQueries({ queryKey: adminKeys.tenants.all });
    },
  });
  return (
    <details className="panel">
      <summary>New tenant</summary>
      <form
        className="form-grid"
        data-testid="tenant-create"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          Slug <span className="muted small">(lower-case letters, digits and dashes)</span>
          <input
            data-testid="tenant-slug"
            required
            pattern="[a-z0-9\-]+"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
          />
        </label>
        <label>
          Name
          <input
            data-testid="tenant-new-name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Tier
          <select
            data-testid="tenant-new-tier"
            value={tier}
            onChange={(e) => setTier(e.target.value as Tier)}
          >
            {TIERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Owner email{' '}
          <span className="muted small">(optional: becomes its first administrator)</span>
          <input
            type="email"
            data-testid="tenant-owner"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={pending} onChange={(e) => setPending(e.target.checked)} />{' '}
          Wait for approval
        </label>
        <div className="row">
          <button
            type="submit"
            className="primary"
            data-testid="tenant-submit"
            disabled={create.isPending}
          >
            {create.isPending ? <Spinner label="Creating" /> : null} Create tenant
          </button>
          <span role="status" className="muted small">
            {create.isSuccess ? `Created ${create.data.slug}.` : ''}
          </span>
        </div>
        <ProblemAlert error={create.error} testId="tenant-create-msg" />
      </form>
    </details>
  );
}
