import { sql, type AliasedRawBuilder, type Expression, type QueryCreator } from 'kysely';
import type { DB } from './schema.generated';

/** PostgreSQL column types a JSON record set is read with, and what each gives in TypeScript. */
interface RecordsetTypes {
  uuid: string;
  text: string;
  int: number;
  integer: number;
  bigint: string;
  real: number;
  numeric: string;
  boolean: boolean;
  timestamptz: Date;
  jsonb: unknown;
  'text[]': string[];
}

export type Columns = Record<string, keyof RecordsetTypes>;
export type RecordsetRow<C extends Columns> = { [K in keyof C]: RecordsetTypes[C[K]] | null };

/**
 * `jsonb_to_recordset($n::jsonb) AS alias(col type, ...)`: rows sent as one JSON parameter,
 * as a FROM item whose columns the compiler knows (one prepared statement for any count).
 */
export function recordset<A extends string, C extends Columns>(
  alias: A,
  rows: readonly object[],
  columns: C,
): AliasedRawBuilder<RecordsetRow<C>, A> {
  return recordsetOf(alias, sql`${JSON.stringify(rows)}::jsonb`, columns);
}

/** `jsonb_to_recordset(json) AS alias(col type, ...)` of a JSON array the statement holds. */
export function recordsetOf<A extends string, C extends Columns>(
  alias: A,
  json: Expression<unknown>,
  columns: C,
): AliasedRawBuilder<RecordsetRow<C>, A> {
  const list = Object.entries(columns).map(([name, type]) => `${quoted(name)} ${type}`);
  return sql<RecordsetRow<C>>`jsonb_to_recordset(${json})`.as<A>(
    sql.raw(`${quoted(alias)}(${list.join(', ')})`),
  );
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A common table expression written by one repository for a statement another composes:
 * it reads the CTEs `Needs` names, and the compiler checks that the composing statement
 * defines them with those columns (a renamed CTE or column fails the build).
 */
export function cte<Needs = object>() {
  return <O>(build: (qc: QueryCreator<DB & Needs>) => O) =>
    <D extends DB & Needs>(qc: QueryCreator<D>): O =>
      build(qc as unknown as QueryCreator<DB & Needs>);
}

/**
 * Several CTEs written by one repository for a statement another composes, added after
 * the CTEs `Needs` names (checked by the compiler like `cte`); the composing statement
 * can then read every CTE they add.
 */
export function ctes<Needs = object>() {
  return <R>(build: (qc: QueryCreator<DB & Needs>) => QueryCreator<R>) =>
    <D extends DB & Needs>(qc: QueryCreator<D>): QueryCreator<D & R> =>
      build(qc as unknown as QueryCreator<DB & Needs>) as unknown as QueryCreator<D & R>;
}
