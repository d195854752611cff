import { api, unwrap } from '../../api/client';
import { toProblem } from '../../api/problem';
import type { AuditEntry, AuditPage, VerifyReport } from './audit-types';
import { buildQuery, fileNameOf, type AuditFilters } from './audit-view';

/** One page of entries; the filter lists go comma-joined, as the API reads them. */
export async function searchAudit(filters: AuditFilters): Promise<AuditPage> {
  const data = await unwrap(
    api.GET('/api/v1/audit', { querySerializer: () => buildQuery(filters).slice(1) }),
  );
  return data as unknown as AuditPage;
}

export async function auditEntry(id: string): Promise<AuditEntry> {
  const data = await unwrap(api.GET('/api/v1/audit/{id}', { params: { path: { id } } }));
  return data as unknown as AuditEntry;
}

export async function verifyAudit(): Promise<VerifyReport> {
  const data = await unwrap(api.GET('/api/v1/audit/verify'));
  return data as unknown as VerifyReport;
}

/**
 * Every entry matching the filters as a file: fetched with the session cookie, then saved
 * through a temporary `<a download>` on a Blob URL (no new window, nothing inline).
 */
export async function exportAudit(filters: AuditFilters, format: 'csv' | 'jsonl'): Promise<void> {
  const query = buildQuery(filters, { format }, { paging: false });
  const res = await fetch(`/api/v1/audit/export${query}`, {
    credentials: 'include',
    headers: { accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
  });
  if (!res.ok) {
    const text = await res.text();
    throw toProblem(res.status, parseJson(text));
  }
  const name = fileNameOf(res.headers.get('content-disposition'), `audit.${format}`);
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // not JSON: the status alone says what went wrong
  }
}
