/** A vector as a PostgreSQL `real[]` literal; non-finite components become 0. */
export function vectorLiteral(vector: number[]): string {
  return `{${vector.map((x) => (Number.isFinite(x) ? Math.fround(x) : 0)).join(',')}}`;
}

/**
 * `column · vector` as plain SQL arithmetic over the vector's non-zero components: no
 * function call or array unnest per row (the local lexical embedding has ~20% non-zero).
 * The numbers are formatted here, never taken from user text.
 */
export function dotProductSql(column: string, vector: number[]): string {
  const terms = vector.flatMap((x, i) =>
    Number.isFinite(x) && x !== 0 ? [`${column}[${i + 1}] * ${Math.fround(x)}`] : [],
  );
  return terms.length ? terms.join(' + ') : '0';
}
