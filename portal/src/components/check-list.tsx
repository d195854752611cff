/** A labelled group of checkboxes choosing some of `options` (permissions, scopes, grants). */
export function CheckList({
  legend,
  options,
  value,
  onChange,
  testId,
}: {
  legend: string;
  options: readonly string[];
  value: string[];
  onChange(value: string[]): void;
  testId: string;
}) {
  const chosen = new Set(value);
  return (
    <fieldset className="check-list" data-testid={testId}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className="check">
          <input
            type="checkbox"
            value={option}
            checked={chosen.has(option)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, option] : value.filter((v) => v !== option))
            }
          />{' '}
          {option}
        </label>
      ))}
    </fieldset>
  );
}

/** "a, b\nc" → ['a', 'b', 'c']: a list typed into one text field. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
