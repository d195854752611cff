import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtNum, fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { intParam, useUrlState } from '../../hooks/use-url-state';
import { GoalForm } from './goal-form';

export const GOAL_STATUSES = [
  'queued',
  'running',
  'awaiting_approval',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
type GoalStatus = (typeof GOAL_STATUSES)[number];
const LIMITS = [20, 50, 100];

/**
 * Every goal of the tenant, newest first: status filter, text search (the API's, over every
 * goal), paging; all of it in the address (`/goals?status=failed&q=cats&offset=20`).
 */
export function GoalsPage() {
  const { me, config } = useSession();
  const [params, setParams] = useUrlState();
  const statusParam = params.get('status') ?? '';
  const status = (GOAL_STATUSES as readonly string[]).includes(statusParam)
    ? (statusParam as GoalStatus)
    : undefined;
  const q = params.get('q') ?? '';
  const limit = LIMITS.includes(intParam(params, 'limit', 20)) ? intParam(params, 'limit', 20) : 20;
  const offset = intParam(params, 'offset', 0);
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);

  const needle = q.trim() || undefined;
  const goals = useQuery({
    queryKey: keys.goals.list({ status, limit, offset, q: needle }),
    queryFn: () =>
      unwrap(api.GET('/api/v1/goals', { params: { query: { status, limit, offset, q: needle } } })),
    placeholderData: keepPreviousData,
    refetchInterval: config.refresh_ms,
  });
  const items = goals.data?.items ?? [];

  return (
    <Page title="Goals" testId="goals-page">
      {can(me, 'goal:create') ? (
        <section className="panel">
          <GoalForm />
        </section>
      ) : null}
      <form
        className="filters"
        role="search"
        aria-label="Filter goals"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ q: search.trim(), offset: null });
        }}
      >
        <label>
          Status
          <select
            data-testid="goals-status"
            value={status ?? ''}
            onChange={(e) => setParams({ status: e.target.value, offset: null })}
          >
            <option value="">any</option>
            {GOAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input
            type="search"
            data-testid="goals-search"
            maxLength={200}
            placeholder="words in the title or goal"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label>
          Per page
          <select
            data-testid="goals-limit"
            value={limit}
            onChange={(e) => setParams({ limit: e.target.value, offset: null })}
          >
            {LIMITS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="goals-apply">
          Search
        </button>
        {goals.isFetching ? <Spinner label="Refreshing goals" /> : null}
      </form>
      {goals.isPending ? <Loading what="goals" /> : null}
      <ProblemAlert error={goals.error} permission="goal:read" action="list the goals" />
      {goals.data ? (
        <>
          <table className="grid" data-testid="goals-table">
            <caption className="sr-only">Goals</caption>
            <thead>
              <tr>
                <th scope="col">Goal</th>
                <th scope="col">Status</th>
                <th scope="col">Pattern</th>
                <th scope="col">Tokens</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.length ? null : (
                <tr>
                  <td colSpan={5} className="muted">
                    no matching goals{needle ? ' on this page' : ''}
                  </td>
                </tr>
              )}
              {items.map((g) => (
                <tr key={g.id} data-testid="goal-row" data-goal-id={g.id} data-status={g.status}>
                  <td>
                    <Link href={`/goals/${g.id}`}>{g.title}</Link>
                  </td>
                  <td>
                    <Badge value={g.status} />
                  </td>
                  <td>{typeof g.pattern === 'string' ? g.pattern : '–'}</td>
                  <td>{fmtNum(g.usage.total_tokens)}</td>
                  <td>{fmtWhen(g.timings.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            count={goals.data.items.length}
            total={goals.data.total}
            limit={limit}
            onOffset={(o) => setParams({ offset: o || null })}
            testId="goals-pager"
          />
        </>
      ) : null}
    </Page>
  );
}
