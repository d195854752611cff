import { useEffect, useState } from 'react';
import { CATEGORIES, OUTCOMES, SEVERITIES, type AuditFilters } from './audit-view';

type Draft = Required<Omit<AuditFilters, 'offset'>>;

function draftOf(f: AuditFilters): Draft {
  return {
    start: f.start ?? '',
    end: f.end ?? '',
    actor_id: f.actor_id ?? '',
    ip: f.ip ?? '',
    resource_type: f.resource_type ?? '',
    resource_id: f.resource_id ?? '',
    search: f.search ?? '',
    categories: f.categories ?? [],
    severities: f.severities ?? [],
    outcomes: f.outcomes ?? [],
    sort: f.sort ?? 'desc',
    limit: f.limit ?? 25,
  };
}

const TEXT_FIELDS: Array<[keyof Draft, string, string, number]> = [
  ['actor_id', 'Actor id', 'audit-actor', 200],
  ['ip', 'IP address', 'audit-ip', 100],
  ['resource_type', 'Resource type', 'audit-resource-type', 100],
  ['resource_id', 'Resource id', 'audit-resource-id', 200],
];

function Checks({
  legend,
  values,
  checked,
  testId,
  onChange,
}: {
  legend: string;
  values: string[];
  checked: string[];
  testId: string;
  onChange(next: string[]): void;
}) {
  return (
    <fieldset className="audit-checks" data-testid={testId}>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v}>
          <input
            type="checkbox"
            value={v}
            checked={checked.includes(v)}
            onChange={(e) =>
              onChange(e.target.checked ? [...checked, v] : checked.filter((c) => c !== v))
            }
          />{' '}
          {v.toLowerCase().replace(/_/g, ' ')}
        </label>
      ))}
    </fieldset>
  );
}

/** Every filter the audit API has; applied (into the address) on Search, cleared on Clear. */
export function AuditFilterForm({
  filters,
  onApply,
}: {
  filters: AuditFilters;
  onApply(filters: AuditFilters): void;
}) {
  const [draft, setDraft] = useState(() => draftOf(filters));
  const applied = JSON.stringify(draftOf(filters));
  useEffect(() => setDraft(JSON.parse(applied) as Draft), [applied]);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form
      className="audit-filters"
      data-testid="audit-form"
      autoComplete="off"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
      onReset={(e) => {
        e.preventDefault();
        onApply({});
      }}
    >
      <label>
        From
        <input
          data-testid="audit-start"
          type="datetime-local"
          step={1}
          value={draft.start}
          onChange={(e) => set('start', e.target.value)}
        />
      </label>
      <label>
        To
        <input
          data-testid="audit-end"
          type="datetime-local"
          step={1}
          value={draft.end}
          onChange={(e) => set('end', e.target.value)}
        />
      </label>
      {TEXT_FIELDS.map(([key, label, testId, max]) => (
        <label key={key}>
          {label}
          <input
            data-testid={testId}
            type="text"
            maxLength={max}
            value={String(draft[key])}
            onChange={(e) => set(key, e.target.value)}
          />
        </label>
      ))}
      <label>
        Search
        <input
          data-testid="audit-search"
          type="search"
          maxLength={200}
          placeholder="words that must all appear"
          value={draft.search}
          onChange={(e) => set('search', e.target.value)}
        />
      </label>
      <label>
        Order
        <select
          data-testid="audit-sort"
          value={draft.sort}
          onChange={(e) => set('sort', e.target.value)}
        >
          <option value="desc">newest first</option>
          <option value="asc">oldest first</option>
        </select>
      </label>
      <label>
        Per page
        <select
          data-testid="audit-limit"
          value={draft.limit}
          onChange={(e) => set('limit', Number(e.target.value))}
        >
          {[25, 50, 100].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <Checks
        legend="Categories"
        values={CATEGORIES}
        checked={draft.categories}
        testId="audit-categories"
        onChange={(v) => set('categories', v)}
      />
      <Checks
        legend="Severities"
        values={SEVERITIES}
        checked={draft.severities}
        testId="audit-severities"
        onChange={(v) => set('severities', v)}
      />
      <Checks
        legend="Outcomes"
        values={OUTCOMES}
        checked={draft.outcomes}
        testId="audit-outcomes"
        onChange={(v) => set('outcomes', v)}
      />
      <div className="row audit-actions">
        <button type="submit" data-testid="audit-apply">
          Search
        </button>
        <button type="reset" data-testid="audit-reset">
          Clear filters
        </button>
      </div>
    </form>
  );
}
