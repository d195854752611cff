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
 * Nest-free so the benchmark uses the very same code; the statements are those of
 * MemoryVectorRepository.
 */
import type { SqlExecutor } from '../database/query-builder';
import { MemoryVectorRepository } from './memory-vector.repository';

export { dotProductSql, vectorLiteral } from './vector-literal';

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
  prepare(db: SqlExecutor): Promise<void>;
  /**
   * Whether `search` sets transaction-local settings (pgvector), so that `db` must be a
   * transaction's connection; otherwise it is one statement that needs no transaction.
   */
  readonly searchNeedsTransaction: boolean;
  search(db: SqlExecutor, query: VectorQuery): Promise<VectorHit[]>;
}

function assertDimension(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000)
    throw new Error(`invalid embedding dimension ${dimensions}`);
}

export class PgvectorStore implements VectorStore {
  readonly backend = 'pgvector-hnsw' as const;
  readonly searchNeedsTransaction = true;

  /**
   * @param efSearch HNSW candidate list size: recall@10 ≈ 0.96 at 100k lexical embeddings.
   * @param exactBelow with fewer rows than this matching the filters, rank them exactly.
   */
  constructor(
    readonly dimensions: number,
    private readonly efSearch = 300,
    private readonly exactBelow = 1000,
    private readonly repository = new MemoryVectorRepository(),
  ) {
    assertDimension(dimensions);
  }

  async prepare(db: SqlExecutor): Promise<void> {
    await this.repository.createHnswIndex(db, this.dimensions);
  }

  async search(db: SqlExecutor, query: VectorQuery): Promise<VectorHit[]> {
    const d = this.dimensions;
    const filter = { tenantId: query.tenantId, kinds: query.kinds };
    await this.repository.applyHnswSettings(db, Math.max(this.efSearch, query.k));
    const n = await this.repository.countFiltered(db, filter, d, this.exactBelow);
    const rows =
      n < this.exactBelow
        ? await this.repository.rankExactly(db, filter, d, query.vector, query.k)
        : await this.repository.searchIndex(db, filter, d, query.vector, query.k);
    // relaxed_order may return hits slightly out of order
    return rows
      .map((r) => ({ id: r.id, similarity: 1 - Number(r.distance) }))
      .sort((a, b) => b.similarity - a.similarity)
      .filter((h) => query.minSimilarity === undefined || h.similarity >= query.minSimilarity);
  }
}

export class ExactCosineStore implements VectorStore {
  readonly backend = 'exact-cosine' as const;
  readonly searchNeedsTransaction = false;

  constructor(
    readonly dimensions: number,
    private readonly repository = new MemoryVectorRepository(),
  ) {
    assertDimension(dimensions);
  }

  async prepare(): Promise<void> {
    // a sequential scan needs no index
  }

  async search(db: SqlExecutor, query: VectorQuery): Promise<VectorHit[]> {
    const filter = { tenantId: query.tenantId, kinds: query.kinds };
    const rows = await this.repository.rankByDotProduct(
      db,
      filter,
      this.dimensions,
      query.vector,
      query.k,
    );
    return rows
      .map((r) => ({ id: r.id, similarity: Number(r.similarity) }))
      .filter((h) => query.minSimilarity === undefined || h.similarity >= query.minSimilarity);
  }
}

export function createVectorStore(pgvector: boolean, dimensions: number): VectorStore {
  return pgvector ? new PgvectorStore(dimensions) : new ExactCosineStore(dimensions);
}
