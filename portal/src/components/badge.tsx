/** A status word in its colour (`s-completed`, `s-failed`, ... in the stylesheet). */
export function Badge({
  value,
  className,
  testId,
}: {
  value: string;
  className?: string;
  testId?: string;
}) {
  return (
    <span className={`badge ${className ?? `s-${value}`}`} data-testid={testId}>
      {value}
    </span>
  );
}
