import { useMutation, useQuery, keepPreviousData } from '@tanstack/react-query';
import { keys } from '../../api/query-keys';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { Pager } from '../../components/pager';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';
import { intParam, listParam, useUrlState } from '../../hooks/use-url-state';
import { auditEntry, exportAudit, searchAudit, verifyAudit } from './audit-api';
import { AuditDetail } from './audit-detail';
import { AuditFilterForm } from './audit-filter-form';
import type { AuditEntry } from './audit-types';
import {
  actorText,
  DEFAULT_LIMIT,
  resourceText,
  verifyText,
  type AuditFilters,
} from './audit-view';

const OUTCOME_CLASS: Record<string, string> = {
  SUCCESS: 's-completed',
  FAILURE: 's-failed',
  PENDING: 's-pending',
};
const SEVERITY_CLASS: Record<string, string> = {
  DEBUG: 's-cancelled',
  INFO: '',
  WARNING: 's-pending',
  ERROR: 's-failed',
  CRITICAL: 's-failed',
};
const TEXT_KEYS = [
  'start',
  'end',
  'actor_id',
  'ip',
  'resource_type',
  'resource_id',
  'search',
  'sort',
] as const;
const LIST_KEYS = ['categories', 'severities', 'outcomes'] as const;

/** The filters as the address holds them (`/audit?categories=AUTHENTICATION&offset=25`). */
function filtersOf(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const k of TEXT_KEYS) if (params.get(k)) f[k] = params.get(k)!;
  for (const k of LIST_KEYS) if (params.get(k)) f[k] = listParam(params, k);
  const limit = intParam(params, 'limit', DEFAULT_LIMIT);
  f.limit = [25, 50, 100].includes(limit) ? limit : DEFAULT_LIMIT;
  f.offset = intParam(params, 'offset', 0);
  return f;
}

function Row({ e, selected, onSelect }: { e: AuditEntry; selected: boolean; onSelect(): void }) {
  const actor = actorText(e.actor);
  const resource = resourceText(e.resource);
  return (
    <tr
      className={`audit-row${selected ? ' selected' : ''}`}
      tabIndex={0}
      aria-selected={selected}
      data-testid="audit-row"
      data-id={e.id}
      data-category={e.category}
      data-outcome={e.outcome}
      data-severity={e.severity}
      onClick={onSelect}
      onKeyDown={(ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          onSelect();
        }
      }}
    >
      <td title={e.timestamp}>{fmtWhen(e.timestamp)}</td>
      <td data-testid="audit-category">{e.category}</td>
      <td className="audit-type">{e.event_type}</td>
      <td>
        <Badge value={e.outcome.toLowerCase()} className={OUTCOME_CLASS[e.outcome]} />
      </td>
      <td>
        <Badge value={e.severity.toLowerCase()} className={SEVERITY_CLASS[e.severity]} />
      </td>
      <td className="out" title={actor}>
        {actor}
      </td>
      <td className="out" title={resource}>
        {resource}
      </td>
    </tr>
  );
}

/** The audit log: every filter, an entry's details, the chain's verification and export. */
export function AuditPage() {
  const { me } = useSession();
  const [params, setParams] = useUrlState();
  const filters = filtersOf(params);
  const selectedId = params.get('entry');
  const list = useQuery({
    queryKey: keys.audit(filters as Record<string, unknown>),
    queryFn: () => searchAudit(filters),
    placeholderData: keepPreviousData,
  });
  const inList = list.data?.items.find((e) => e.id === selectedId);
  const selected = useQuery({
    queryKey: ['audit', 'entry', selectedId],
    queryFn: () => auditEntry(selectedId!),
    enabled: !!selectedId && !inList,
  });
  const verify = useMutation({ mutationFn: verifyAudit });
  const exporting = useMutation({
    mutationFn: (format: 'csv' | 'jsonl') => exportAudit(filters, format),
  });
  const mayExport = can(me, 'audit:export');
  const entry = inList ?? selected.data;

  return (
    <Page
      title="Audit log"
      testId="audit"
      actions={
        <div className="row">
          <button
            type="button"
            data-testid="audit-verify"
            disabled={verify.isPending}
            onClick={() => verify.mutate()}
          >
            {verify.isPending ? <Spinner label="Verifying" /> : null} Verify chain
          </button>
          {mayExport ? (
            <>
              <button
                type="button"
                data-testid="audit-export-jsonl"
                disabled={exporting.isPending}
                onClick={() => exporting.mutate('jsonl')}
              >
                Export JSONL
              </button>
              <button
                type="button"
                data-testid="audit-export-csv"
                disabled={exporting.isPending}
                onClick={() => exporting.mutate('csv')}
              >
                Export CSV
              </button>
              {exporting.isPending ? <Spinner label="Exporting" /> : null}
            </>
          ) : null}
        </div>
      }
    >
      <p
        className={`small ${verify.data ? (verify.data.valid ? 's-completed' : 's-failed') : ''}`}
        data-testid="audit-verify-result"
        data-valid={verify.data ? String(verify.data.valid) : undefined}
        role="status"
      >
        {verify.data ? verifyText(verify.data) : verify.isPending ? 'verifying…' : ''}
      </p>
      <ProblemAlert error={verify.error} permission="audit:read" action="verify the audit chain" />
      <AuditFilterForm
        filters={filters}
        onApply={(f) =>
          setParams({
            ...Object.fromEntries(TEXT_KEYS.map((k) => [k, f[k] ?? null])),
            ...Object.fromEntries(LIST_KEYS.map((k) => [k, f[k] ?? null])),
            limit: f.limit && f.limit !== DEFAULT_LIMIT ? f.limit : null,
            offset: null,
            entry: null,
          })
        }
      />
      <div data-testid="audit-msg">
        <ProblemAlert error={list.error} permission="audit:read" action="read the audit log" />
        <ProblemAlert
          error={exporting.error}
          permission="audit:export"
          action="export the audit log"
        />
      </div>
      {list.isPending ? <Loading what="audit entries" /> : null}
      <div className="audit-body">
        <div className="audit-results">
          <table className="grid audit-table">
            <caption className="sr-only">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Category</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
                <th scope="col">Severity</th>
                <th scope="col">Actor</th>
                <th scope="col">Resource</th>
              </tr>
            </thead>
            <tbody data-testid="audit-list">
              {list.data && !list.data.items.length ? (
                <tr>
                  <td colSpan={7} className="muted">
                    no matching entries
                  </td>
                </tr>
              ) : null}
              {list.data?.items.map((e) => (
                <Row
                  key={e.id}
                  e={e}
                  selected={e.id === selectedId}
                  onSelect={() => setParams({ entry: e.id }, { replace: true })}
                />
              ))}
            </tbody>
          </table>
          {list.data ? (
            <Pager
              offset={list.data.offset}
              count={list.data.items.length}
              total={list.data.total}
              limit={filters.limit ?? DEFAULT_LIMIT}
              onOffset={(o) => setParams({ offset: o || null })}
              testId="audit-page"
            />
          ) : null}
        </div>
        {entry ? <AuditDetail entry={entry} /> : null}
        <ProblemAlert error={selected.error} />
      </div>
    </Page>
  );
}
