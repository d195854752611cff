import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import { Embedder, LocalLexicalEmbedder, OpenAiEmbedder } from './embedding';
import { EmbeddingProviderRegistry } from './embedding-provider-registry';
import { EmbeddingOrigin, MemoryRepository } from './memory.repository';
import { embeddingText, MemoryDraft, MemoryInput } from './memory.types';

const REEMBED_BATCH = 64;

/**
 * The embeddings of memories: the configured embedder, drafts embedded ahead of a
 * transaction (embedding may call a remote endpoint), and the re-embedding of memories
 * written with another model or dimension.
 */
@Injectable()
export class MemoryEmbeddings {
  private readonly logger = new Logger('Memory');
  private readonly builtin: Embedder | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly memories: MemoryRepository,
    private readonly providers: EmbeddingProviderRegistry = new EmbeddingProviderRegistry(config),
  ) {
    if (providers.configuredId) return;
    this.builtin = createEmbedder(config);
    if (this.builtin.lexical)
      this.logger.log(
        `embeddings: local lexical hashing (dimension ${this.builtin.dimensions}); similarity is lexical, not semantic`,
      );
  }

  /** The built-in embedder, or the plugin's that `EMBEDDING_PROVIDER` names (once loaded). */
  get embedder(): Embedder {
    return this.builtin ?? this.providers.configured();
  }

  /** False while `EMBEDDING_PROVIDER` names a plugin provider not loaded (yet). */
  get isReady(): boolean {
    if (this.builtin) return true;
    try {
      this.providers.configured();
      return true;
    } catch {
      return false;
    }
  }

  /** The model and dimension this process embeds with. */
  get origin(): EmbeddingOrigin {
    return { model: this.embedder.model, dimensions: this.embedder.dimensions };
  }

  async embed(text: string): Promise<number[]> {
    return (await this.embedder.embed([text]))[0];
  }

  /** Embeds memories before a transaction. */
  async draft(inputs: MemoryInput[]): Promise<MemoryDraft[]> {
    const vectors = await this.embedder.embed(inputs.map(embeddingText));
    return inputs.map((input, i) => ({ ...input, embedding: vectors[i] }));
  }

  /** Re-embeds every memory whose embedding came from another model or dimension. */
  async reembedStale(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.memories.staleEmbeddings(this.dataSource, this.origin, REEMBED_BATCH);
      if (!rows.length) break;
      const vectors = await this.embedder.embed(rows.map(embeddingText));
      await inTransaction(this.dataSource, async (uow) => {
        for (let i = 0; i < rows.length; i++)
          await this.memories.setEmbedding(
            uow.manager,
            rows[i].tenant_id,
            rows[i].id,
            vectors[i],
            this.origin,
          );
      });
      total += rows.length;
    }
    if (total) this.logger.log(`re-embedded ${total} memories with ${this.embedder.model}`);
    return total;
  }
}

export function createEmbedder(config: AppConfig): Embedder {
  const provider = config.EMBEDDING_PROVIDER ?? (config.EMBEDDING_BASE_URL ? 'openai' : 'local');
  if (provider === 'local') return new LocalLexicalEmbedder(config.EMBEDDING_DIMENSIONS);
  return new OpenAiEmbedder(
    config.EMBEDDING_BASE_URL ?? config.LLM_BASE_URL ?? 'https://api.openai.com/v1',
    config.EMBEDDING_MODEL,
    config.EMBEDDING_DIMENSIONS,
    config.EMBEDDING_API_KEY ?? config.LLM_API_KEY,
    config.LLM_TIMEOUT_MS,
  );
}
