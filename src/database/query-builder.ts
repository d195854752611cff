import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
} from 'kysely';
import type { EntityManager } from 'typeorm';
import { ambientExecutor } from '../common/ambient-transaction';
import type { DB } from './schema.generated';

/**
 * The typed SQL builder every repository writes its statements with. It only compiles:
 * statements run on the connection or transaction the caller holds (a TypeORM
 * `DataSource` or a unit of work's `EntityManager`), so they share its transaction, and
 * on PGlite its prepared statements. Table and column names are checked by the compiler
 * against `schema.generated.ts`, which is rendered from the migrations.
 */
export const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Where a statement runs: the data source, or the entity manager of an open transaction. A
 * statement on a data source inside `atomically` on it runs in that transaction.
 */
export type SqlExecutor = Pick<EntityManager, 'query'>;

/** The rows a statement returns (a SELECT, or a write with RETURNING). */
export async function rowsOf<O>(executor: SqlExecutor, statement: Compilable<O>): Promise<O[]> {
  const compiled = statement.compile();
  const result: unknown = await ambientExecutor(executor).query(compiled.sql, [
    ...compiled.parameters,
  ]);
  return writesWithCount(compiled) ? (result as [O[], number])[0] : (result as O[]);
}

/** The first row a statement returns, if any. */
export async function firstOf<O>(
  executor: SqlExecutor,
  statement: Compilable<O>,
): Promise<O | undefined> {
  return (await rowsOf(executor, statement))[0];
}

/** How many rows an UPDATE or DELETE touched. */
export async function affectedBy(executor: SqlExecutor, statement: Compilable): Promise<number> {
  const compiled = statement.compile();
  if (!writesWithCount(compiled)) throw new Error('affectedBy() takes an UPDATE or a DELETE');
  const result = (await ambientExecutor(executor).query(compiled.sql, [
    ...compiled.parameters,
  ])) as [unknown[], number];
  return result[1];
}

/** TypeORM's postgres driver answers an UPDATE or DELETE with [rows, affected count]. */
function writesWithCount(compiled: CompiledQuery): boolean {
  return compiled.query.kind === 'UpdateQueryNode' || compiled.query.kind === 'DeleteQueryNode';
}
