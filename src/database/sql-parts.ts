/** A piece of SQL with its own parameters ($1..$n), to be composed into one statement. */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** A part that becomes one named entry of a WITH list. */
export interface NamedSqlPart extends SqlPart {
  name: string;
}

/** Renumbers a part's `$n` references so they follow `offset` earlier parameters. */
export function shiftParams(sql: string, offset: number): string {
  return offset ? sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`) : sql;
}

/**
 * Joins named parts into the body of a WITH list (`a AS (...), b AS (...)`), renumbering
 * each part's parameters after the ones before it. Several data-modifying statements then
 * run as one statement: atomic without a transaction, one round trip.
 */
export function withList(parts: readonly NamedSqlPart[]): SqlPart {
  const params: unknown[] = [];
  const entries = parts.map((part) => {
    const sql = shiftParams(part.sql, params.length);
    params.push(...part.params);
    return `${part.name} AS (${sql})`;
  });
  return { sql: entries.join(',\n'), params };
}
