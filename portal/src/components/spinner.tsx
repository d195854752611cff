/** A small busy indicator; `label` is what a screen reader announces. */
export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="progressbar" aria-label={label} />;
}

/** A whole region waiting for its data. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading muted" role="status" data-testid="loading">
      <Spinner label={`Loading ${what}`} /> Loading {what}…
    </p>
  );
}
