/**
 * Similarity search over `memories.embedding` (unit vectors stored as real[]), behind one
 * interface with two implementations:
 * - pgvector: an HNSW cosine index over the expression `embedding::vector(D)`, partial on
 *   `embedding_dim = D`, searched with iterative index scans so tenant and type filters
 *   still return k rows; when the filters leave few rows (a small tenant in a shared
 *   database) those rows are ranked exactly instead, as a graph walk would mostly visit
 *   other tenants' rows and could miss the tenant's best ones;
 * - exact: a sequential scan computing the dot product of unit vectors (= cosine) in SQL,
 *   used where the extension is missing (slower, always exact).
 * Nest-free so the benchmark uses the very same code.
 */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface VectorQuery {
  tenantId: string;
  vector: number[];
  k: number;
  kinds?: string[];
  minSimilarity?: number;
}

export interface VectorHit {
  id: string;
  similarity: number;
}

export interface VectorStore {
  readonly backend: 'pgvector-hnsw' | 'exact-cosine';
  readonly dimensions: number;
  /** Creates what the backend needs for this dimension (idempotent). */
  prepare(db: Queryable): Promise<void>;
  /** `db` must be a transaction-scoped connection for settings to apply (pgvector). */
  search(db: Queryable, query: VectorQuery): Promise<VectorHit[]>;
}

export function vectorLiteral(vector: number[]): string {
  return `{${vector.map((x) => (Number.isFinite(x) ? Math.fround(x) : 0)).join(',')}}`;
}

function assertDimension(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000)
    throw new Error(`invalid embedding dimension ${dimensions}`);
}

function filters(query: VectorQuery, firstParam: number): { sql: string; params: unknown[] } {
  const clauses = [`(expires_at IS NULL OR expires_at > now())`];
  const params: unknown[] = [];
  if (query.kinds?.length) {
    params.push(query.kinds);
    clauses.push(`kind = ANY($${firstParam + params.length - 1}::text[])`);
  }
  return { sql: clauses.join(' AND '), params };
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

export class PgvectorStore implements VectorStore {
  readonly backend = 'pgvector-hnsw' as const;

  /**
   * @param efSearch HNSW candidate list size: recall@10 ≈ 0.96 at 100k lexical embeddings.
   * @param exactBelow with fewer rows than this matching the filters, rank them exactly.
   */
  constructor(
    readonly dimensions: number,
    private readonly efSearch = 300,
    private readonly exactBelow = 1000,
  ) {
    assertDimension(dimensions);
  }

  async prepare(db: Queryable): Promise<void> {
    const d = this.dimensions;
    // an HNSW build whose graph outgrows maintenance_work_mem slows down by an order of magnitude
    await db.query(`SET maintenance_work_mem = '512MB'`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS memories_embedding_hnsw_${d} ON memories USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE embedding_dim = ${d}`,
    );
  }

  async search(db: Queryable, query: VectorQuery): Promise<VectorHit[]> {
    const d = this.dimensions;
    const extra = filters(query, 2);
    const where = `tenant_id = $1 AND embedding_dim = ${d} AND ${extra.sql}`;
    const params = [query.tenantId, ...extra.params];
    // One round trip (several statements, no parameters). Without statistics the planner
    // would count through a bitmap of the whole tenant and might prefer the tenant btree
    // plus a sort (an exact scan of a large tenant) to the HNSW index.
    await db.query(
      `SET LOCAL hnsw.ef_search = ${Math.max(this.efSearch, query.k)}; ` +
        `SET LOCAL hnsw.iterative_scan = relaxed_order; ` +
        `SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off`,
    );
    const [{ n }]: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM memories WHERE ${where} LIMIT ${this.exactBelow}) s`,
      params,
    );
    const q = `$${params.length + 1}::real[]::vector(${d})`;
    const distance = `embedding::vector(${d}) <=> ${q}`;
    const limit = `LIMIT $${params.length + 2}`;
    const rows: Array<{ id: string; distance: number }> = await db.query(
      n < this.exactBelow
        ? // materialized so that the ORDER BY cannot be served by the HNSW index
          `WITH candidates AS MATERIALIZED (SELECT id, ${distance} AS distance FROM memories WHERE ${where})
           SELECT id, distance FROM candidates ORDER BY distance ${limit}`
        : `SELECT id, ${distance} AS distance FROM memories WHERE ${where} ORDER BY ${distance} ${limit}`,
      [...params, vectorLiteral(query.vector), query.k],
    );
    // relaxed_order may return hits slightly out of order
    return rows
      .map((r) => ({ id: r.id, similarity: 1 - Number(r.distance) }))
      .sort((a, b) => b.similarity - a.similarity)
      .filter((h) => query.minSimilarity === undefined || h.similarity >= query.minSimilarity);
  }
}

export class ExactCosineStore implements VectorStore {
  readonly backend = 'exact-cosine' as const;

  constructor(readonly dimensions: number) {
    assertDimension(dimensions);
  }

  async prepare(): Promise<void> {
    // a sequential scan needs no index
  }

  async search(db: Queryable, query: VectorQuery): Promise<VectorHit[]> {
    const extra = filters(query, 4);
    const rows: Array<{ id: string; similarity: number }> = await db.query(
      `SELECT id, ${dotProductSql('embedding', query.vector)} AS similarity
       FROM memories
       WHERE tenant_id = $1 AND embedding_dim = $2 AND ${extra.sql}
       ORDER BY similarity DESC NULLS LAST
       LIMIT $3`,
      [query.tenantId, this.dimensions, query.k, ...extra.params],
    );
    return rows
      .map((r) => ({ id: r.id, similarity: Number(r.similarity) }))
      .filter((h) => query.minSimilarity === undefined || h.similarity >= query.minSimilarity);
  }
}

export function createVectorStore(pgvector: boolean, dimensions: number): VectorStore {
  return pgvector ? new PgvectorStore(dimensions) : new ExactCosineStore(dimensions);
}
