import { Injectable, OnModuleInit } from '@nestjs/common';
import type { PluginDefinition, PluginEmbeddingProvider } from '../plugin-contract/plugin-contract';
import {
  attachEach,
  Detach,
  PluginExtension,
  PluginExtensions,
} from '../plugin-contract/plugin-extensions';
import { AddedEmbedder, EmbeddingProviderRegistry } from './embedding-provider-registry';
import { MemoryService } from './memory.service';

/** Applies a plugin's `embeddingProviders`: each becomes a value `EMBEDDING_PROVIDER` may name. */
@Injectable()
export class PluginEmbeddingProviders implements PluginExtension, OnModuleInit {
  readonly name = 'embedding-providers';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly providers: EmbeddingProviderRegistry,
    private readonly memory: MemoryService,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    return attachEach(plugin.embeddingProviders, (provider) =>
      this.providers.add(embedderOf(plugin.metadata.name, provider)),
    );
  }

  /** Stops a start whose EMBEDDING_PROVIDER names no loaded provider; then re-embeds with it. */
  verify(): void {
    if (!this.providers.configuredId) return;
    this.providers.configured();
    this.memory.reembedInBackground();
  }
}

function embedderOf(plugin: string, provider: PluginEmbeddingProvider): AddedEmbedder {
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(provider.id ?? ''))
    throw new Error(
      `embedding provider id "${String(provider.id)}" of ${plugin} must be lower-case letters, digits, - and _`,
    );
  if (!Number.isInteger(provider.dimensions) || provider.dimensions < 1)
    throw new Error(`embedding provider ${provider.id} must declare its dimensions`);
  if (typeof provider.embed !== 'function')
    throw new Error(`embedding provider ${provider.id} has no embed function`);
  const { id, dimensions } = provider;
  return {
    id,
    model: `plugin:${id}`,
    dimensions,
    lexical: false,
    async embed(texts: string[]): Promise<number[][]> {
      const vectors = await provider.embed(texts);
      if (!Array.isArray(vectors) || vectors.length !== texts.length)
        throw new Error(
          `embedding provider ${id} returned ${vectors?.length} vectors for ${texts.length} texts`,
        );
      for (const v of vectors)
        if (!Array.isArray(v) || v.length !== dimensions)
          throw new Error(
            `embedding provider ${id} returned a vector of dimension ${v?.length}, not ${dimensions}`,
          );
      return vectors;
    },
  };
}
