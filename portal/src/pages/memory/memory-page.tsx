import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { useUrlState } from '../../hooks/use-url-state';

const TYPES = ['episodic', 'semantic', 'procedural', 'strategic'] as const;
type MemoryType = (typeof TYPES)[number];

/** Search what the agents remember, by meaning; query and type in the address. */
export function MemoryPage() {
  const [params, setParams] = useUrlState();
  const q = params.get('q') ?? '';
  const typeParam = params.get('type') ?? '';
  const type = (TYPES as readonly string[]).includes(typeParam)
    ? (typeParam as MemoryType)
    : undefined;
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const results = useQuery({
    queryKey: keys.memory({ q, type }),
    queryFn: () =>
      unwrap(api.GET('/api/v1/memory/search', { params: { query: { q, type, k: 20 } } })),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
  return (
    <Page title="Memory" testId="memory-page">
      <form
        className="filters"
        role="search"
        aria-label="Search memory"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: draft.trim() });
        }}
      >
        <label>
          Search
          <input
            type="search"
            data-testid="memory-query"
            required
            maxLength={2000}
            placeholder="what to recall"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <label>
          Type
          <select
            data-testid="memory-type"
            value={type ?? ''}
            onChange={(e) => setParams({ type: e.target.value })}
          >
            <option value="">any</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="memory-search">
          Search
        </button>
        {results.isFetching ? <Spinner label="Searching" /> : null}
      </form>
      <ProblemAlert error={results.error} permission="memory:read" action="search the memory" />
      {results.isLoading ? <Loading what="memories" /> : null}
      {results.data ? (
        <>
          <p className="muted small" data-testid="memory-backend">
            {results.data.items.length} results · {results.data.embedding_model} ·{' '}
            {results.data.lexical ? 'lexical similarity' : 'vector similarity'} ·{' '}
            {results.data.vector_backend}
          </p>
          <ol className="memory-hits" data-testid="memory-results">
            {results.data.items.map((hit) => (
              <li key={hit.memory.id} data-testid="memory-hit" data-memory-id={hit.memory.id}>
                <div className="row">
                  <span className="badge">{hit.memory.type}</span>
                  <strong>
                    {typeof hit.memory.title === 'string'
                      ? hit.memory.title
                      : hit.memory.id.slice(0, 8)}
                  </strong>
                  <span className="muted small">similarity {hit.similarity.toFixed(3)}</span>
                  <span className="muted small">importance {hit.memory.importance}</span>
                </div>
                <p className="memory-content">{hit.memory.content}</p>
              </li>
            ))}
          </ol>
        </>
      ) : q ? null : (
        <p className="muted">Type what you are looking for; results are ranked by meaning.</p>
      )}
    </Page>
  );
}
