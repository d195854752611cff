import { Injectable } from '@nestjs/common';
import { sql, type Compilable, type RawBuilder } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import { dotProductSql, vectorLiteral } from './vector-literal';

/** Which memories a similarity search ranks: the tenant's live ones, of some kinds. */
export interface VectorFilter {
  tenantId: string;
  kinds?: string[];
}

/** A raw statement compiled by the query builder, like the ones it builds itself. */
function statement<O>(raw: RawBuilder<O>): Compilable<O> {
  return { compile: () => raw.compile(db) };
}

/**
 * The dimension goes into the text, not a parameter: the HNSW index is partial on
 * `embedding_dim = D` over the expression `embedding::vector(D)`, and a planner only
 * matches both against constants. `assertDimension` has checked it is an integer.
 */
const dimension = (d: number) => sql.raw(String(Math.trunc(d)));

const live = (filter: VectorFilter) =>
  sql`(expires_at IS NULL OR expires_at > now())${
    filter.kinds?.length ? sql` AND kind = ANY(${filter.kinds}::text[])` : sql``
  }`;

const indexed = (filter: VectorFilter, d: number) =>
  sql`tenant_id = ${filter.tenantId} AND embedding_dim = ${dimension(d)} AND ${live(filter)}`;

const distance = (d: number, vector: number[]) =>
  sql`embedding::vector(${dimension(d)}) <=> ${vectorLiteral(vector)}::real[]::vector(${dimension(d)})`;

/** The similarity search over `memories.embedding`, in the two backends' SQL. */
const statements = {
  /** An HNSW build whose graph outgrows maintenance_work_mem slows down by an order of magnitude. */
  raiseBuildMemory: () => statement(sql`SET maintenance_work_mem = '512MB'`),
  createHnswIndex: (d: number) =>
    statement(
      sql`CREATE INDEX IF NOT EXISTS ${sql.raw(`memories_embedding_hnsw_${Math.trunc(d)}`)} ON memories USING hnsw ((embedding::vector(${dimension(d)})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE embedding_dim = ${dimension(d)}`,
    ),
  /**
   * The search's settings for the rest of the transaction (SET LOCAL). Without statistics
   * the planner would count through a bitmap of the whole tenant and might prefer the
   * tenant btree plus a sort (an exact scan of a large tenant) to the HNSW index.
   */
  hnswSettings: (efSearch: number) =>
    statement(
      sql`SELECT set_config('hnsw.ef_search', ${String(efSearch)}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)`,
    ),
  /** How many memories the filter leaves, counted up to `cap`. */
  countFiltered: (filter: VectorFilter, d: number, cap: number) =>
    statement(
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM memories WHERE ${indexed(filter, d)} LIMIT ${sql.raw(String(Math.trunc(cap)))}) s`,
    ),
  /** Materialized so that the ORDER BY cannot be served by the HNSW index. */
  rankExactly: (filter: VectorFilter, d: number, vector: number[], k: number) =>
    statement(
      sql<{
        id: string;
        distance: number;
      }>`WITH candidates AS MATERIALIZED (SELECT id, ${distance(d, vector)} AS distance FROM memories WHERE ${indexed(filter, d)})
        SELECT id, distance FROM candidates ORDER BY distance LIMIT ${k}`,
    ),
  /** Ordered by the select list's distance, the very expression the HNSW index serves. */
  searchIndex: (filter: VectorFilter, d: number, vector: number[], k: number) =>
    statement(
      sql<{
        id: string;
        distance: number;
      }>`SELECT id, ${distance(d, vector)} AS distance FROM memories WHERE ${indexed(filter, d)} ORDER BY distance LIMIT ${k}`,
    ),
  /** Unit vectors: the dot product is the cosine. A sequential scan; needs no extension. */
  rankByDotProduct: (filter: VectorFilter, dimensions: number, vector: number[], k: number) =>
    statement(
      sql<{
        id: string;
        similarity: number;
      }>`SELECT id, ${sql.raw(dotProductSql('embedding', vector))} AS similarity
        FROM memories
        WHERE tenant_id = ${filter.tenantId} AND embedding_dim = ${dimensions} AND ${live(filter)}
        ORDER BY similarity DESC NULLS LAST
        LIMIT ${k}`,
    ),
};

/** Statements run on the executor given; the search settings need a transaction's connection. */
@Injectable()
export class MemoryVectorRepository {
  async createHnswIndex(executor: SqlExecutor, dimensions: number): Promise<void> {
    await rowsOf(executor, statements.raiseBuildMemory());
    await rowsOf(executor, statements.createHnswIndex(dimensions));
  }

  async applyHnswSettings(executor: SqlExecutor, efSearch: number): Promise<void> {
    await rowsOf(executor, statements.hnswSettings(efSearch));
  }

  async countFiltered(
    executor: SqlExecutor,
    filter: VectorFilter,
    dimensions: number,
    cap: number,
  ): Promise<number> {
    return Number((await firstOf(executor, statements.countFiltered(filter, dimensions, cap)))?.n);
  }

  rankExactly(
    executor: SqlExecutor,
    filter: VectorFilter,
    dimensions: number,
    vector: number[],
    k: number,
  ): Promise<Array<{ id: string; distance: number }>> {
    return rowsOf(executor, statements.rankExactly(filter, dimensions, vector, k));
  }

  searchIndex(
    executor: SqlExecutor,
    filter: VectorFilter,
    dimensions: number,
    vector: number[],
    k: number,
  ): Promise<Array<{ id: string; distance: number }>> {
    return rowsOf(executor, statements.searchIndex(filter, dimensions, vector, k));
  }

  rankByDotProduct(
    executor: SqlExecutor,
    filter: VectorFilter,
    dimensions: number,
    vector: number[],
    k: number,
  ): Promise<Array<{ id: string; similarity: number }>> {
    return rowsOf(executor, statements.rankByDotProduct(filter, dimensions, vector, k));
  }
}

export const memoryVectorStatements: StatementCatalog = {
  file: 'src/memory/queries/memory-vector.repository.sql',
  samples: () => {
    const tenant = { tenantId: '00000000-0000-0000-0000-000000000001' };
    const typed = { ...tenant, kinds: ['procedural'] };
    const vector = [0.6, 0, 0.8];
    return [
      { name: 'raiseBuildMemory', statement: statements.raiseBuildMemory() },
      { name: 'createHnswIndex', statement: statements.createHnswIndex(3) },
      { name: 'hnswSettings', statement: statements.hnswSettings(300) },
      { name: 'countFiltered', statement: statements.countFiltered(typed, 3, 1000) },
      { name: 'rankExactly', statement: statements.rankExactly(tenant, 3, vector, 10) },
      { name: 'searchIndex', statement: statements.searchIndex(typed, 3, vector, 10) },
      { name: 'rankByDotProduct', statement: statements.rankByDotProduct(typed, 3, vector, 10) },
    ];
  },
};
