import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryGraph } from './memory-graph.service';
import { MemorySearch, round, SearchHit, SearchOptions } from './memory-search.service';
import { MemoryPatch, MemoryStore } from './memory-store.service';
import { MEMORY_TYPES, MemoryInput, MemoryView } from './memory.types';

/**
 * The memory API's use cases over the tenant's store, its similarity search and its
 * knowledge graph; at start it prepares the vector index and re-embeds, in the
 * background, memories written with another model or dimension.
 */
@Injectable()
export class MemoryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Memory');

  constructor(
    private readonly store: MemoryStore,
    private readonly searcher: MemorySearch,
    private readonly embeddings: MemoryEmbeddings,
    private readonly graph: MemoryGraph,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.searcher.prepare();
    } catch (error) {
      // another process starting at the same moment may be creating the same index
      this.logger.warn(`vector index not prepared: ${(error as Error).message}`);
    }
    void this.embeddings
      .reembedStale()
      .catch((error: Error) => this.logger.error(`re-embedding failed: ${error.message}`));
  }

  get embedder() {
    return this.embeddings.embedder;
  }

  get vectors() {
    return this.searcher.vectors;
  }

  create(tenantId: string, input: MemoryInput): Promise<MemoryView> {
    return this.store.create(tenantId, input);
  }

  get(tenantId: string, id: string): Promise<MemoryView> {
    return this.store.get(tenantId, id);
  }

  update(tenantId: string, id: string, patch: MemoryPatch): Promise<MemoryView> {
    return this.store.update(tenantId, id, patch);
  }

  delete(tenantId: string, id: string): Promise<void> {
    return this.store.delete(tenantId, id);
  }

  search(tenantId: string, text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.searcher.search(tenantId, text, options);
  }

  exportAll(tenantId: string): AsyncGenerator<MemoryView> {
    return this.store.exportAll(tenantId);
  }

  async stats(tenantId: string) {
    const byType = await this.store.countsByKind(tenantId);
    const graph = await this.graph.counts(tenantId);
    const types = Object.fromEntries(
      MEMORY_TYPES.map((t) => {
        const r = byType.find((x) => x.kind === t);
        return [
          t,
          {
            count: Number(r?.count ?? 0),
            verified: Number(r?.verified ?? 0),
            avg_importance: r?.avg_importance === null || !r ? 0 : round(Number(r.avg_importance)),
            accesses: Number(r?.accesses ?? 0),
          },
        ];
      }),
    );
    return {
      total: byType.reduce((s, r) => s + Number(r.count), 0),
      types,
      graph,
      embedding: {
        model: this.embedder.model,
        dimensions: this.embedder.dimensions,
        lexical: this.embedder.lexical,
      },
      vector_backend: this.vectors.backend,
    };
  }
}
