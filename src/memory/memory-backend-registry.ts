import { Injectable } from '@nestjs/common';
import type { PluginMemoryBackend, PluginMemoryHit } from '../plugin-contract/plugin-contract';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { MEMORY_TYPES } from './memory.types';

const TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The memory types plugins keep in this process, read by the request validation of
 * `POST /api/v1/memory` (which runs before any service is reached).
 */
const pluginMemoryTypes = new Set<string>();

/** Whether a memory may be stored with this type: a built-in one or a plugin's. */
export function isKnownMemoryType(type: unknown): boolean {
  return (
    typeof type === 'string' &&
    ((MEMORY_TYPES as readonly string[]).includes(type) || pluginMemoryTypes.has(type))
  );
}

export interface AddedMemoryBackend {
  plugin: string;
  backend: PluginMemoryBackend;
}

export interface BackendHit extends PluginMemoryHit {
  type: string;
}

/**
 * Memory types kept by plugins. A backend is only ever called with the calling tenant's
 * id; a failing backend is left out of a search (and counted against its plugin) rather
 * than failing it.
 */
@Injectable()
export class MemoryBackendRegistry {
  private readonly backends = new Map<string, AddedMemoryBackend>();

  constructor(private readonly health: PluginHealth) {}

  add(added: AddedMemoryBackend): () => void {
    const { type } = added.backend;
    if (!TYPE_NAME.test(type ?? ''))
      throw new Error(`memory type "${String(type)}" must be lower-case letters, digits and _`);
    if ((MEMORY_TYPES as readonly string[]).includes(type) || this.backends.has(type))
      throw new Error(`memory type ${type} already exists`);
    if (typeof added.backend.write !== 'function' || typeof added.backend.search !== 'function')
      throw new Error(`memory type ${type} needs write and search functions`);
    this.backends.set(type, added);
    pluginMemoryTypes.add(type);
    return () => {
      if (this.backends.get(type) !== added) return;
      this.backends.delete(type);
      pluginMemoryTypes.delete(type);
    };
  }

  types(): string[] {
    return [...this.backends.keys()];
  }

  has(type: string): boolean {
    return this.backends.has(type);
  }

  async write(
    tenantId: string,
    entry: Parameters<PluginMemoryBackend['write']>[0],
  ): Promise<{ id: string }> {
    const added = this.backends.get(entry.type);
    if (!added) throw new Error(`no memory backend keeps type ${entry.type}`);
    try {
      const written = await added.backend.write(entry, { tenantId });
      this.health.recordSuccess(added.plugin);
      return { id: String(written.id) };
    } catch (error) {
      this.health.recordFailure(added.plugin, `memory:${entry.type}:write`, reasonOf(error));
      throw new Error(`memory backend ${entry.type} failed to write`, { cause: error });
    }
  }

  /** Hits of every backend whose type `types` allows (all when undefined), best first. */
  async search(
    tenantId: string,
    text: string,
    k: number,
    types?: readonly string[],
  ): Promise<BackendHit[]> {
    const chosen = [...this.backends.values()].filter(
      (b) => !types || types.includes(b.backend.type),
    );
    const results = await Promise.all(
      chosen.map(async ({ plugin, backend }) => {
        try {
          const hits = await backend.search({ text, k }, { tenantId });
          this.health.recordSuccess(plugin);
          return hits
            .filter((h) => typeof h.content === 'string' && Number.isFinite(h.similarity))
            .map((h) => ({ ...h, id: String(h.id), type: backend.type }));
        } catch (error) {
          this.health.recordFailure(plugin, `memory:${backend.type}:search`, reasonOf(error));
          return [];
        }
      }),
    );
    return results.flat().sort((a, b) => b.similarity - a.similarity);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
