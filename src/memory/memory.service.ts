import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound, uuidv7, ValidationFailed } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DATABASE_CAPABILITIES } from '../database/database.module';
import type { DatabaseCapabilities } from '../database/migration-runner';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { Embedder, LocalLexicalEmbedder, OpenAiEmbedder } from './embedding';
import {
  embeddingText,
  MEMORY_COLUMNS,
  MemoryDraft,
  MemoryInput,
  MemoryRow,
  MemoryType,
  MemoryView,
  toView,
} from './memory.types';
import { createVectorStore, vectorLiteral, VectorStore } from './vector-store';

export interface SearchHit {
  memory: MemoryView;
  similarity: number;
}

export interface GraphFact {
  source: { name: string; type: string };
  relation: string;
  target: { name: string; type: string };
}

const REEMBED_BATCH = 64;

/**
 * The tenant's memory store: the four memory types with provenance, importance, access
 * counts and retention, their embeddings and the vector search over them, and the
 * knowledge graph of entities and typed relations. Every query filters by tenant.
 */
@Injectable()
export class MemoryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Memory');
  readonly embedder: Embedder;
  readonly vectors: VectorStore;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_CAPABILITIES) capabilities: DatabaseCapabilities,
    private readonly dataSource: DataSource,
  ) {
    this.embedder = createEmbedder(config);
    this.vectors = createVectorStore(capabilities.pgvector, config.EMBEDDING_DIMENSIONS);
    if (!capabilities.pgvector)
      this.logger.warn(
        `pgvector is not available (${capabilities.detail}): memory search uses exact cosine over float4[] (sequential scan)`,
      );
    if (this.embedder.lexical)
      this.logger.log(
        `embeddings: local lexical hashing (dimension ${this.embedder.dimensions}); similarity is lexical, not semantic`,
      );
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.vectors.prepare(this.dataSource);
    } catch (error) {
      // another process starting at the same moment may be creating the same index
      this.logger.warn(`vector index not prepared: ${(error as Error).message}`);
    }
    // re-embedding of memories written with another model or dimension runs in the background
    void this.reembedStale().catch((error: Error) =>
      this.logger.error(`re-embedding failed: ${error.message}`),
    );
  }

  /** Re-embeds every memory whose embedding came from another model or dimension. */
  async reembedStale(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string; tenant_id: string; title: string | null; content: string }> =
        await this.dataSource.query(
          `SELECT id, tenant_id, title, content FROM memories
           WHERE embedding IS NULL OR embedding_model IS DISTINCT FROM $1 OR embedding_dim IS DISTINCT FROM $2
           ORDER BY id LIMIT ${REEMBED_BATCH}`,
          [this.embedder.model, this.embedder.dimensions],
        );
      if (!rows.length) break;
      const vectors = await this.embedder.embed(rows.map(embeddingText));
      await inTransaction(this.dataSource, async (uow) => {
        for (let i = 0; i < rows.length; i++)
          await uow.manager.query(
            `UPDATE memories SET embedding = $3::real[], embedding_model = $4, embedding_dim = $5 WHERE id = $1 AND tenant_id = $2`,
            [
              rows[i].id,
              rows[i].tenant_id,
              vectorLiteral(vectors[i]),
              this.embedder.model,
              this.embedder.dimensions,
            ],
          );
      });
      total += rows.length;
    }
    if (total) this.logger.log(`re-embedded ${total} memories with ${this.embedder.model}`);
    return total;
  }

  async embed(text: string): Promise<number[]> {
    return (await this.embedder.embed([text]))[0];
  }

  /** Embeds memories before a transaction (embedding may call a remote endpoint). */
  async draft(inputs: MemoryInput[]): Promise<MemoryDraft[]> {
    const vectors = await this.embedder.embed(inputs.map(embeddingText));
    return inputs.map((input, i) => ({ ...input, embedding: vectors[i] }));
  }

  /**
   * Writes drafts inside the caller's transaction, in one statement; a known dedupe key
   * updates in place. Rows come back in the order of the drafts.
   */
  async persist(uow: UnitOfWork, tenantId: string, drafts: MemoryDraft[]): Promise<MemoryRow[]> {
    if (!drafts.length) return [];
    const keys = drafts.map((d) => d.dedupe_key).filter((k): k is string => !!k);
    // one statement cannot update the same row twice: repeated keys are written one by one
    if (new Set(keys).size !== keys.length) {
      const rows: MemoryRow[] = [];
      for (const d of drafts) rows.push(...(await this.persist(uow, tenantId, [d])));
      return rows;
    }
    const ttl = this.config.MEMORY_TTL_DAYS;
    const items = drafts.map((d, ord) => ({
      ord,
      id: uuidv7(),
      kind: d.type,
      title: d.title ?? null,
      key: d.key ?? null,
      content: d.content,
      metadata: d.metadata ?? {},
      importance: clamp01(d.importance ?? 0.5),
      source_goal_id: d.source?.goal_id ?? null,
      source_task_id: d.source?.task_id ?? null,
      source_agent: d.source?.agent ?? null,
      source_model: d.source?.model ?? null,
      provenance: d.provenance ?? {},
      verified: d.verified ?? false,
      dedupe_key: d.dedupe_key ?? null,
      expires_at:
        d.expires_at !== undefined
          ? d.expires_at
          : ttl > 0
            ? new Date(Date.now() + ttl * 86_400_000)
            : null,
      embedding: vectorLiteral(d.embedding),
    }));
    const rows: Array<MemoryRow & { dedupe_key: string | null }> = await uow.manager.query(
      `INSERT INTO memories (id, tenant_id, kind, title, key, content, metadata, importance, source_goal_id, source_task_id, source_agent, source_model, provenance, verified, dedupe_key, expires_at, embedding, embedding_model, embedding_dim)
       SELECT d.id, $1, d.kind, d.title, d.key, d.content, d.metadata, d.importance, d.source_goal_id, d.source_task_id,
         d.source_agent, d.source_model, d.provenance, d.verified, d.dedupe_key, d.expires_at, d.embedding::real[], $3, $4
       FROM jsonb_to_recordset($2::jsonb) AS d(ord int, id uuid, kind text, title text, key text, content text,
         metadata jsonb, importance real, source_goal_id uuid, source_task_id uuid, source_agent text, source_model text,
         provenance jsonb, verified boolean, dedupe_key text, expires_at timestamptz, embedding text)
       ORDER BY d.ord
       ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET
         title = EXCLUDED.title, content = EXCLUDED.content, key = EXCLUDED.key,
         metadata = memories.metadata || EXCLUDED.metadata || jsonb_build_object('occurrences', coalesce((memories.metadata->>'occurrences')::int, 1) + 1),
         importance = least(1, greatest(memories.importance, EXCLUDED.importance) + 0.05),
         provenance = memories.provenance || EXCLUDED.provenance,
         verified = memories.verified OR EXCLUDED.verified,
         embedding = EXCLUDED.embedding, embedding_model = EXCLUDED.embedding_model, embedding_dim = EXCLUDED.embedding_dim,
         updated_at = now()
       RETURNING ${MEMORY_COLUMNS}, dedupe_key`,
      [tenantId, JSON.stringify(items), this.embedder.model, this.embedder.dimensions],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byKey = new Map(rows.filter((r) => r.dedupe_key).map((r) => [r.dedupe_key, r]));
    return items.map(({ id, dedupe_key }) => {
      const { dedupe_key: _key, ...row } = (byId.get(id) ?? byKey.get(dedupe_key))!;
      return row;
    });
  }

  async create(tenantId: string, input: MemoryInput): Promise<MemoryView> {
    const [draft] = await this.draft([input]);
    const [row] = await inTransaction(this.dataSource, (uow) =>
      this.persist(uow, tenantId, [draft]),
    );
    return toView(row);
  }

  async get(tenantId: string, id: string): Promise<MemoryView> {
    const [rows]: [MemoryRow[]] = await this.dataSource.query(
      `UPDATE memories SET access_count = access_count + 1, last_accessed_at = now()
       WHERE id = $1 AND tenant_id = $2 RETURNING ${MEMORY_COLUMNS}`,
      [id, tenantId],
    );
    if (!rows.length) throw new NotFound('memory', id);
    return toView(rows[0]);
  }

  /** Edits a memory; changed text is re-embedded. */
  async update(
    tenantId: string,
    id: string,
    patch: {
      content?: string;
      title?: string | null;
      importance?: number;
      metadata?: Record<string, unknown>;
    },
  ): Promise<MemoryView> {
    const current: MemoryRow[] = await this.dataSource.query(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    if (!current.length) throw new NotFound('memory', id);
    const next = {
      title: patch.title !== undefined ? patch.title : current[0].title,
      content: patch.content ?? current[0].content,
    };
    const vector = await this.embed(embeddingText(next));
    const [rows]: [MemoryRow[]] = await this.dataSource.query(
      `UPDATE memories SET title = $3, content = $4, importance = coalesce($5, importance),
         metadata = metadata || $6::jsonb, embedding = $7::real[], embedding_model = $8, embedding_dim = $9, updated_at = now()
       WHERE id = $1 AND tenant_id = $2 RETURNING ${MEMORY_COLUMNS}`,
      [
        id,
        tenantId,
        next.title,
        next.content,
        patch.importance ?? null,
        JSON.stringify(patch.metadata ?? {}),
        vectorLiteral(vector),
        this.embedder.model,
        this.embedder.dimensions,
      ],
    );
    if (!rows.length) throw new NotFound('memory', id);
    return toView(rows[0]);
  }

  /** Forgets a memory on request. */
  async delete(tenantId: string, id: string): Promise<void> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM memories WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    if (!count) throw new NotFound('memory', id);
  }

  /** Similarity search; the hits' access counts rise. */
  async search(
    tenantId: string,
    text: string,
    options: { types?: MemoryType[]; k?: number; minSimilarity?: number; touch?: boolean } = {},
  ): Promise<SearchHit[]> {
    if (!text.trim()) throw new ValidationFailed([{ field: 'q', message: 'must not be empty' }]);
    const vector = await this.embed(text);
    return this.searchVector(tenantId, vector, options);
  }

  async searchVector(
    tenantId: string,
    vector: number[],
    options: { types?: MemoryType[]; k?: number; minSimilarity?: number; touch?: boolean } = {},
  ): Promise<SearchHit[]> {
    const k = options.k ?? this.config.MEMORY_RECALL_K;
    return inTransaction(this.dataSource, async (uow) => {
      const hits = await this.vectors.search(uow.manager, {
        tenantId,
        vector,
        k,
        kinds: options.types,
        minSimilarity: options.minSimilarity,
      });
      if (!hits.length) return [];
      const ids = hits.map((h) => h.id);
      const rows: MemoryRow[] =
        options.touch === false
          ? await uow.manager.query(
              `SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
              [tenantId, ids],
            )
          : (
              await uow.manager.query(
                `UPDATE memories SET access_count = access_count + 1, last_accessed_at = now()
                 WHERE tenant_id = $1 AND id = ANY($2::uuid[]) RETURNING ${MEMORY_COLUMNS}`,
                [tenantId, ids],
              )
            )[0];
      const byId = new Map(rows.map((r) => [r.id, r]));
      return hits
        .filter((h) => byId.has(h.id))
        .map((h) => ({ memory: toView(byId.get(h.id)!), similarity: round(h.similarity) }));
    });
  }

  /** All of a tenant's memories in id order, a page at a time (for JSON Lines export). */
  async *exportAll(tenantId: string): AsyncGenerator<MemoryView> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: MemoryRow[] = await this.dataSource.query(
        `SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT 500`,
        [tenantId, after],
      );
      for (const row of rows) yield toView(row);
      if (rows.length < 500) return;
      after = rows[rows.length - 1].id;
    }
  }

  async stats(tenantId: string) {
    const byType: Array<{
      kind: MemoryType;
      count: string;
      verified: string;
      avg_importance: number | null;
      accesses: string | null;
    }> = await this.dataSource.query(
      `SELECT kind, count(*) AS count, count(*) FILTER (WHERE verified) AS verified,
              avg(importance) AS avg_importance, sum(access_count) AS accesses
       FROM memories WHERE tenant_id = $1 GROUP BY kind`,
      [tenantId],
    );
    const [graph]: Array<{ entities: string; relations: string }> = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM memory_entities WHERE tenant_id = $1) AS entities,
              (SELECT count(*) FROM memory_relations WHERE tenant_id = $1) AS relations`,
      [tenantId],
    );
    const types = Object.fromEntries(
      ['episodic', 'semantic', 'procedural', 'strategic'].map((t) => {
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
      graph: { entities: Number(graph.entities), relations: Number(graph.relations) },
      embedding: {
        model: this.embedder.model,
        dimensions: this.embedder.dimensions,
        lexical: this.embedder.lexical,
      },
      vector_backend: this.vectors.backend,
    };
  }

  /** Upserts entities and typed relations of the knowledge graph. */
  /**
   * Adds graph facts in one statement: entities are upserted once each (mentions counted),
   * relations once per (source, relation, target) with their weight counted.
   */
  async link(
    uow: UnitOfWork,
    tenantId: string,
    facts: GraphFact[],
    memoryId: string | null,
  ): Promise<void> {
    if (!facts.length) return;
    const entities = new Map<
      string,
      { id: string; name: string; type: string; mentions: number }
    >();
    const entityKey = (e: { name: string; type: string }) => {
      const name = e.name.slice(0, 200).toLowerCase();
      const key = `${e.type}\u0000${name}`;
      const known = entities.get(key);
      if (known) known.mentions++;
      else entities.set(key, { id: uuidv7(), name, type: e.type, mentions: 1 });
      return entities.get(key)!;
    };
    const relations = new Map<string, Record<string, unknown> & { weight: number }>();
    for (const f of facts) {
      const source = entityKey(f.source);
      const target = entityKey(f.target);
      const key = `${source.type}\u0000${source.name}\u0000${f.relation}\u0000${target.type}\u0000${target.name}`;
      const known = relations.get(key);
      if (known) known.weight++;
      else
        relations.set(key, {
          id: uuidv7(),
          s_name: source.name,
          s_type: source.type,
          relation: f.relation,
          t_name: target.name,
          t_type: target.type,
          weight: 1,
        });
    }
    await uow.manager.query(
      `WITH entity AS (
         INSERT INTO memory_entities (id, tenant_id, name, type, mentions)
         SELECT e.id, $1, e.name, e.type, e.mentions
         FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, name text, type text, mentions int)
         ON CONFLICT (tenant_id, type, name) DO UPDATE SET mentions = memory_entities.mentions + EXCLUDED.mentions, updated_at = now()
         RETURNING id, name, type)
       INSERT INTO memory_relations (id, tenant_id, source_id, relation, target_id, memory_id, weight)
       SELECT r.id, $1, s.id, r.relation, t.id, $4, r.weight
       FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, s_name text, s_type text, relation text, t_name text, t_type text, weight real)
       JOIN entity s ON s.name = r.s_name AND s.type = r.s_type
       JOIN entity t ON t.name = r.t_name AND t.type = r.t_type
       ON CONFLICT (tenant_id, source_id, relation, target_id) DO UPDATE SET weight = memory_relations.weight + EXCLUDED.weight,
         memory_id = coalesce(EXCLUDED.memory_id, memory_relations.memory_id), updated_at = now()`,
      [
        tenantId,
        JSON.stringify([...entities.values()]),
        JSON.stringify([...relations.values()]),
        memoryId,
      ],
    );
  }

  /** Relations touching an entity, for the graph view. */
  async relations(tenantId: string, name: string) {
    return this.dataSource.query(
      `SELECT s.name AS source, s.type AS source_type, r.relation, t.name AS target, t.type AS target_type, r.weight
       FROM memory_relations r JOIN memory_entities s ON s.id = r.source_id JOIN memory_entities t ON t.id = r.target_id
       WHERE r.tenant_id = $1 AND (s.name = $2 OR t.name = $2) ORDER BY r.weight DESC LIMIT 100`,
      [tenantId, name.toLowerCase()],
    ) as Promise<
      Array<{
        source: string;
        source_type: string;
        relation: string;
        target: string;
        target_type: string;
        weight: number;
      }>
    >;
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

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
