import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ValidationFailed } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DATABASE_CAPABILITIES } from '../database/database.module';
import type { DatabaseCapabilities } from '../database/migration-runner';
import type { SqlExecutor } from '../database/query-builder';
import { inTransaction } from '../database/transaction';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryRepository } from './memory.repository';
import { MemoryType, MemoryView, toView } from './memory.types';
import { createVectorStore, VectorStore } from './vector-store';

export interface SearchHit {
  memory: MemoryView;
  similarity: number;
}

export interface SearchOptions {
  types?: MemoryType[];
  k?: number;
  minSimilarity?: number;
  /** Whether the hits count as accessed (default true). */
  touch?: boolean;
}

/** Similarity search over a tenant's memories, on the vector backend the database offers. */
@Injectable()
export class MemorySearch {
  private readonly logger = new Logger('Memory');
  readonly vectors: VectorStore;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_CAPABILITIES) capabilities: DatabaseCapabilities,
    private readonly dataSource: DataSource,
    private readonly embeddings: MemoryEmbeddings,
    private readonly memories: MemoryRepository,
  ) {
    this.vectors = createVectorStore(capabilities.pgvector, config.EMBEDDING_DIMENSIONS);
    if (!capabilities.pgvector)
      this.logger.warn(
        `pgvector is not available (${capabilities.detail}): memory search uses exact cosine over float4[] (sequential scan)`,
      );
  }

  /** Creates the vector index for the configured dimension (idempotent). */
  prepare(): Promise<void> {
    return this.vectors.prepare(this.dataSource);
  }

  /** Similarity search by text; the hits' access counts rise. */
  async search(tenantId: string, text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    if (!text.trim()) throw new ValidationFailed([{ field: 'q', message: 'must not be empty' }]);
    const vector = await this.embeddings.embed(text);
    return this.searchVector(tenantId, vector, options);
  }

  async searchVector(
    tenantId: string,
    vector: number[],
    options: SearchOptions = {},
  ): Promise<SearchHit[]> {
    const k = options.k ?? this.config.MEMORY_RECALL_K;
    const search = async (executor: SqlExecutor): Promise<SearchHit[]> => {
      const hits = await this.vectors.search(executor, {
        tenantId,
        vector,
        k,
        kinds: options.types,
        minSimilarity: options.minSimilarity,
      });
      if (!hits.length) return [];
      const ids = hits.map((h) => h.id);
      const rows =
        options.touch === false
          ? await this.memories.byIds(executor, tenantId, ids)
          : await this.memories.touchMany(executor, tenantId, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return hits
        .filter((h) => byId.has(h.id))
        .map((h) => ({ memory: toView(byId.get(h.id)!), similarity: round(h.similarity) }));
    };
    // one statement ranks and another touches what it found (a memory removed between them
    // is left out): a transaction only where the search's settings need one
    return this.vectors.searchNeedsTransaction
      ? inTransaction(this.dataSource, (uow) => search(uow.manager))
      : search(this.dataSource.manager);
  }
}

export function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
