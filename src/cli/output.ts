/** How a command prints: JSON for scripts (--json), aligned columns for people. */
export interface Output {
  json: boolean;
  /** Lines for people; nothing in --json mode. */
  say(line: string): void;
  /** The command's result: JSON, or `table` rows for people. */
  result(value: unknown, table?: () => Array<Record<string, unknown>>): void;
}

export function consoleOutput(
  json: boolean,
  write = (s: string) => process.stdout.write(s),
): Output {
  return {
    json,
    say: (line) => {
      if (!json) write(`${line}\n`);
    },
    result: (value, table) => {
      if (json || !table) write(`${JSON.stringify(value, null, 2)}\n`);
      else write(formatTable(table()));
    },
  };
}

/** Rows as aligned columns under their keys' names. */
export function formatTable(rows: Array<Record<string, unknown>>): string {
  if (!rows.length) return '(none)\n';
  const columns = Object.keys(rows[0]);
  const cells = rows.map((row) => columns.map((column) => cellText(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => line[i].length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.join(',');
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
