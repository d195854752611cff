import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { Embedder } from './embedding';

export const BUILTIN_EMBEDDING_PROVIDERS = ['local', 'openai'] as const;

/** An embedder added at run time (by a plugin), selected by `EMBEDDING_PROVIDER=<id>`. */
export interface AddedEmbedder extends Embedder {
  id: string;
}

/** The embedding providers plugins added, by id; the built-in ones are not listed here. */
@Injectable()
export class EmbeddingProviderRegistry {
  private readonly added = new Map<string, AddedEmbedder>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The provider `EMBEDDING_PROVIDER` names, when that is not a built-in one. */
  get configuredId(): string | undefined {
    const id = this.config.EMBEDDING_PROVIDER;
    return id && !(BUILTIN_EMBEDDING_PROVIDERS as readonly string[]).includes(id) ? id : undefined;
  }

  /**
   * Adds a provider; the returned function removes it again. The configured one must embed
   * in the dimension of the vector column (`EMBEDDING_DIMENSIONS`), or it is refused.
   */
  add(embedder: AddedEmbedder): () => void {
    if ((BUILTIN_EMBEDDING_PROVIDERS as readonly string[]).includes(embedder.id))
      throw new Error(`embedding provider ${embedder.id} is built in`);
    if (this.added.has(embedder.id))
      throw new Error(`embedding provider ${embedder.id} is already registered`);
    if (
      embedder.id === this.configuredId &&
      embedder.dimensions !== this.config.EMBEDDING_DIMENSIONS
    )
      throw new Error(
        `embedding provider ${embedder.id} embeds in ${embedder.dimensions} dimensions but memories are stored with EMBEDDING_DIMENSIONS=${this.config.EMBEDDING_DIMENSIONS}`,
      );
    this.added.set(embedder.id, embedder);
    return () => {
      if (this.added.get(embedder.id) === embedder) this.added.delete(embedder.id);
    };
  }

  /** The configured plugin embedder; throws the one-line reason when none has its id. */
  configured(): AddedEmbedder {
    const id = this.configuredId ?? '';
    const embedder = this.added.get(id);
    if (!embedder)
      throw new Error(
        `EMBEDDING_PROVIDER=${id} is not a known provider; available: ${[...BUILTIN_EMBEDDING_PROVIDERS, ...this.added.keys()].join(', ')}`,
      );
    return embedder;
  }
}
