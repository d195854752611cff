import type { AuditEntry } from './audit-types';
import { actorText, changeRows, contextRows, resourceText } from './audit-view';

function Facts({ rows, testId }: { rows: string[][]; testId?: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      {rows.map(([label, value], i) => (
        <div key={`${label}-${i}`} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One entry in full: facts, field changes, request context, details and its hash link. */
export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const changes = changeRows(entry.changes);
  const context = contextRows(entry.context);
  return (
    <aside
      className="audit-detail"
      data-testid="audit-detail"
      data-id={entry.id}
      aria-labelledby="audit-detail-heading"
    >
      <h3 id="audit-detail-heading" data-testid="audit-detail-heading">
        {entry.event_type}
      </h3>
      <p className="small" data-testid="audit-detail-message">
        {entry.message ?? ''}
      </p>
      <Facts
        testId="audit-detail-facts"
        rows={[
          ['Id', entry.id],
          ['Time', entry.timestamp],
          ['Position', String(entry.seq)],
          ['Category', entry.category],
          ['Outcome', entry.outcome],
          ['Severity', entry.severity],
          ['Actor', actorText(entry.actor)],
          ['Resource', resourceText(entry.resource)],
          ['Tags', (entry.tags ?? []).join(', ') || '–'],
        ]}
      />
      <h4>Changes</h4>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Old</th>
            <th scope="col">New</th>
          </tr>
        </thead>
        <tbody data-testid="audit-detail-changes">
          {changes.length ? null : (
            <tr>
              <td colSpan={3} className="muted">
                no changes recorded
              </td>
            </tr>
          )}
          {changes.map((r, i) => (
            <tr key={i} data-testid="audit-change">
              {r.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Context</h4>
      <Facts
        testId="audit-detail-context"
        rows={context.length ? context : [['', 'none recorded']]}
      />
      <h4>Details</h4>
      <pre className="result" data-testid="audit-detail-details">
        {entry.details && Object.keys(entry.details).length
          ? JSON.stringify(entry.details, null, 2)
          : '{}'}
      </pre>
      <h4>Hash</h4>
      <dl className="facts">
        <div className="fact">
          <dt>hash</dt>
          <dd className="hash" data-testid="audit-detail-hash">
            {entry.hash}
          </dd>
        </div>
        <div className="fact">
          <dt>previous</dt>
          <dd className="hash">{entry.prev_hash}</dd>
        </div>
      </dl>
    </aside>
  );
}
