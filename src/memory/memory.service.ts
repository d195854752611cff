import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ValidationFailed } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';
import { BackendHit, MemoryBackendRegistry } from './memory-backend-registry';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryGraph } from './memory-graph.service';
import { MemorySearch, round, SearchHit, SearchOptions } from './memory-search.service';
import { MemoryPatch, MemoryStore } from './memory-store.service';
import { MEMORY_TYPES, MemoryInput, MemoryType, MemoryView } from './memory.types';

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
    private readonly backends: MemoryBackendRegistry,
    private readonly goals: GoalRepository,
    private readonly tasks: TaskRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.searcher.prepare();
    } catch (error) {
      // another process starting at the same moment may be creating the same index
      this.logger.warn(`vector index not prepared: ${(error as Error).message}`);
    }
    // a plugin's embedder re-embeds once plugins have loaded (PluginEmbeddingProviders.verify)
    if (this.embeddings.isReady) this.reembedInBackground();
  }

  reembedInBackground(): void {
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

  /** Stores a memory; a plugin's memory type goes to its backend instead of the database. */
  async create(
    tenantId: string,
    input: Omit<MemoryInput, 'type'> & { type: string },
  ): Promise<MemoryView> {
    await this.checkSource(tenantId, input.source);
    if (isBuiltinType(input.type))
      return this.store.create(tenantId, { ...input, type: input.type });
    if (!this.backends.has(input.type))
      throw new ValidationFailed([
        {
          field: 'type',
          message: `must be one of ${[...MEMORY_TYPES, ...this.backends.types()].join(', ')}`,
        },
      ]);
    const entry = {
      type: input.type,
      content: input.content,
      title: input.title ?? null,
      key: input.key ?? null,
      importance: input.importance ?? 0.5,
      metadata: input.metadata ?? {},
    };
    const { id } = await this.backends.write(tenantId, entry);
    return backendView({ ...entry, id, similarity: 1 });
  }

  /** A memory may name only a goal of its own tenant as its source, and a task of that goal. */
  private async checkSource(tenantId: string, source: MemoryInput['source']): Promise<void> {
    const goalId = source?.goal_id ?? null;
    const taskId = source?.task_id ?? null;
    if (goalId !== null && !(await this.goals.byId(tenantId, goalId)))
      throw new ValidationFailed([
        { field: 'source_goal_id', message: 'must be a goal of this tenant' },
      ]);
    if (taskId === null) return;
    if (goalId === null)
      throw new ValidationFailed([
        { field: 'source_task_id', message: 'needs source_goal_id, the goal of the task' },
      ]);
    const tasks = await this.tasks.ofGoal(tenantId, goalId);
    if (!tasks.some((task) => task.id === taskId))
      throw new ValidationFailed([
        { field: 'source_task_id', message: 'must be a task of source_goal_id' },
      ]);
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

  /** Similarity search over the database and the plugins' memory types, best first. */
  async search(tenantId: string, text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const pluginTypes = this.backends.types();
    if (!pluginTypes.length) return this.searcher.search(tenantId, text, options);
    const k = options.k ?? this.config.MEMORY_RECALL_K;
    const wanted = options.types as readonly string[] | undefined;
    const builtin = wanted?.filter(isBuiltinType);
    const [stored, kept] = await Promise.all([
      builtin && !builtin.length
        ? Promise.resolve([])
        : this.searcher.search(tenantId, text, { ...options, types: builtin }),
      this.backends.search(tenantId, text, k, wanted),
    ]);
    const min = options.minSimilarity ?? -1;
    const extra = kept
      .filter((h) => h.similarity >= min)
      .map((h) => ({ memory: backendView(h), similarity: round(h.similarity) }));
    return [...stored, ...extra].sort((a, b) => b.similarity - a.similarity).slice(0, k);
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

function isBuiltinType(type: string): type is MemoryType {
  return (MEMORY_TYPES as readonly string[]).includes(type);
}

/** A plugin-kept memory as the API shows memories (`<type>:<id>`, no database fields). */
function backendView(hit: Omit<BackendHit, 'type'> & { type: string }): MemoryView {
  const now = new Date().toISOString();
  return {
    id: `${hit.type}:${hit.id}`,
    type: hit.type,
    title: hit.title ?? null,
    key: null,
    content: hit.content,
    importance: 0.5,
    verified: false,
    source: { goal_id: null, task_id: null, agent: null, model: null },
    provenance: { kept_by: 'plugin' },
    metadata: hit.metadata ?? {},
    access_count: 0,
    last_accessed_at: null,
    created_at: now,
    updated_at: now,
    expires_at: null,
    embedding_model: null,
  };
}
