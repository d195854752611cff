/** A "Status" filter: any, or one of `statuses`; the choice goes to `onChange` ('' for any). */
export function StatusSelect({
  statuses,
  value,
  onChange,
  testId,
}: {
  statuses: readonly string[];
  value: string | undefined;
  onChange: (status: string) => void;
  testId: string;
}) {
  return (
    <label>
      Status
      <select data-testid={testId} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {statuses.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </label>
  );
}
