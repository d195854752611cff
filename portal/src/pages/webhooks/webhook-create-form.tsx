import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { CheckList } from '../../components/check-list';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

type Created = Schema<'WebhookWithSecretDto'>;

/** Filters typed as a JSON object; empty means none. Throws a readable error otherwise. */
export function parseFilters(text: string): Record<string, unknown> | null {
  if (!text.trim()) return null;
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error('Filters must be a JSON object, e.g. {"goal_id": "…"}');
  return value as Record<string, unknown>;
}

/** A new endpoint: URL, events (types, `category.*` wildcards or `*`), filters. */
export function WebhookCreateForm({ onCreated }: { onCreated(created: Created): void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [filters, setFilters] = useState('');
  const [standard, setStandard] = useState(false);
  const types = useQuery({
    queryKey: adminKeys.webhooks.eventTypes,
    queryFn: () => unwrap(api.GET('/api/v1/webhooks/event-types')),
  });
  const options = types.data
    ? ['*', ...types.data.categories.map((c) => `${c}.*`), ...types.data.event_types]
    : [];
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/webhooks', {
          body: { name, url, events, filters: parseFilters(filters), standard_webhooks: standard },
        }),
      ),
    onSuccess: (created) => {
      setName('');
      setUrl('');
      setEvents([]);
      setFilters('');
      onCreated(created);
      void queryClient.invalidateQueries({ queryKey: adminKeys.webhooks.all });
    },
  });
  return (
    <form
      className="form-grid"
      data-testid="webhook-create"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <label>
        Name
        <input
          data-testid="webhook-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        URL <span className="muted small">(https; http only for allowed hosts)</span>
        <input
          type="url"
          data-testid="webhook-url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      {types.isPending ? <Spinner label="Loading the event types" /> : null}
      <CheckList
        legend="Events"
        options={options}
        value={events}
        onChange={setEvents}
        testId="webhook-events"
      />
      <label>
        Filters <span className="muted small">(optional JSON: only events whose data match)</span>
        <textarea
          data-testid="webhook-filters"
          rows={2}
          placeholder='{"goal_id": "…"}'
          value={filters}
          onChange={(e) => setFilters(e.target.value)}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={standard} onChange={(e) => setStandard(e.target.checked)} />{' '}
        Also send the Standard Webhooks headers
      </label>
      <div className="row">
        <button
          type="submit"
          className="primary"
          data-testid="webhook-submit"
          disabled={create.isPending || !events.length}
        >
          {create.isPending ? <Spinner label="Creating" /> : null} Add endpoint
        </button>
      </div>
      <ProblemAlert error={create.error ?? types.error} testId="webhook-create-msg" />
    </form>
  );
}
