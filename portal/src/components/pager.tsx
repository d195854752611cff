import { hasNext, hasPrev, pageText } from '../pages/audit/audit-view';

/** Previous / next and "1–25 of 80" for an offset-paged list. */
export function Pager({
  offset,
  count,
  total,
  limit,
  onOffset,
  testId = 'pager',
}: {
  offset: number;
  count: number;
  total: number;
  limit: number;
  onOffset(offset: number): void;
  testId?: string;
}) {
  return (
    <div className="pager" data-testid={testId}>
      <button
        type="button"
        data-testid={`${testId}-prev`}
        disabled={!hasPrev(offset)}
        onClick={() => onOffset(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <button
        type="button"
        data-testid={`${testId}-next`}
        disabled={!hasNext(offset, count, total)}
        onClick={() => onOffset(offset + count)}
      >
        Next
      </button>
      <span className="muted small" data-testid={`${testId}-text`} aria-live="polite">
        {pageText(offset, count, total)}
      </span>
    </div>
  );
}
