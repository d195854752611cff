import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import { MEMORY_COLUMNS, type MemoryRow, type MemoryType } from './memory.types';
import { vectorLiteral } from './vector-literal';

/** One row of a batch write, as the JSON the insert statement unpacks. */
export interface MemoryWriteItem {
  ord: number;
  id: string;
  kind: MemoryType;
  title: string | null;
  key: string | null;
  content: string;
  metadata: Record<string, unknown>;
  importance: number;
  source_goal_id: string | null;
  source_task_id: string | null;
  source_agent: string | null;
  source_model: string | null;
  provenance: Record<string, unknown>;
  verified: boolean;
  dedupe_key: string | null;
  expires_at: Date | null;
  /** `vectorLiteral` of the embedding. */
  embedding: string;
}

/** The model and dimension an embedding came from. */
export interface EmbeddingOrigin {
  model: string;
  dimensions: number;
}

export interface MemoryEdit {
  title: string | null;
  content: string;
  importance: number | null;
  metadata: Record<string, unknown>;
  embedding: number[];
}

export interface KindCounts {
  kind: MemoryType;
  count: string;
  verified: string;
  avg_importance: number | null;
  accesses: string | null;
}

const embeddingOf = (vector: number[]) => sql<number[]>`${vectorLiteral(vector)}::real[]`;
const touched = { access_count: sql<number>`access_count + 1`, last_accessed_at: sql<Date>`now()` };

/**
 * The statements on a memory record; the keeper's are in memory-retention.repository.ts,
 * the similarity search in memory-vector.repository.ts.
 */
const statements = {
  /**
   * One statement for a batch: a known dedupe key updates the memory in place (occurrences
   * counted, importance raised), so writing the same step again is idempotent.
   */
  insertBatch: (tenantId: string, items: MemoryWriteItem[], origin: EmbeddingOrigin) =>
    db
      .insertInto('memories')
      .columns([
        'id',
        'tenant_id',
        'kind',
        'title',
        'key',
        'content',
        'metadata',
        'importance',
        'source_goal_id',
        'source_task_id',
        'source_agent',
        'source_model',
        'provenance',
        'verified',
        'dedupe_key',
        'expires_at',
        'embedding',
        'embedding_model',
        'embedding_dim',
      ])
      .expression(
        sql`SELECT d.id, ${tenantId}, d.kind, d.title, d.key, d.content, d.metadata, d.importance, d.source_goal_id,
          d.source_task_id, d.source_agent, d.source_model, d.provenance, d.verified, d.dedupe_key, d.expires_at,
          d.embedding::real[], ${origin.model}, ${origin.dimensions}
        FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS d(ord int, id uuid, kind text, title text, key text,
          content text, metadata jsonb, importance real, source_goal_id uuid, source_task_id uuid, source_agent text,
          source_model text, provenance jsonb, verified boolean, dedupe_key text, expires_at timestamptz, embedding text)
        ORDER BY d.ord`,
      )
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'dedupe_key'])
          .where('dedupe_key', 'is not', null)
          .doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            content: eb.ref('excluded.content'),
            key: eb.ref('excluded.key'),
            metadata: sql`memories.metadata || excluded.metadata || jsonb_build_object('occurrences', coalesce((memories.metadata->>'occurrences')::int, 1) + 1)`,
            importance: sql`least(1, greatest(memories.importance, excluded.importance) + 0.05)`,
            provenance: sql`memories.provenance || excluded.provenance`,
            verified: sql`memories.verified OR excluded.verified`,
            embedding: eb.ref('excluded.embedding'),
            embedding_model: eb.ref('excluded.embedding_model'),
            embedding_dim: eb.ref('excluded.embedding_dim'),
            updated_at: sql`now()`,
          })),
      )
      .returning([...MEMORY_COLUMNS, 'dedupe_key'])
      .$castTo<MemoryRow & { dedupe_key: string | null }>(),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('memories')
      .select(MEMORY_COLUMNS)
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .$castTo<MemoryRow>(),
  /** A memory that is read counts as an access. */
  touch: (tenantId: string, id: string) =>
    db
      .updateTable('memories')
      .set(touched)
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .returning(MEMORY_COLUMNS)
      .$castTo<MemoryRow>(),
  byIds: (tenantId: string, ids: string[]) =>
    db
      .selectFrom('memories')
      .select(MEMORY_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .$castTo<MemoryRow>(),
  touchMany: (tenantId: string, ids: string[]) =>
    db
      .updateTable('memories')
      .set(touched)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
      .returning(MEMORY_COLUMNS)
      .$castTo<MemoryRow>(),
  /** Accesses counted without reading the memories back (a recall already has them). */
  countAccess: (tenantId: string, ids: string[]) =>
    db
      .updateTable('memories')
      .set(touched)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids))),
  edit: (tenantId: string, id: string, edit: MemoryEdit, origin: EmbeddingOrigin) =>
    db
      .updateTable('memories')
      .set({
        title: edit.title,
        content: edit.content,
        importance: sql`coalesce(${edit.importance}, importance)`,
        metadata: sql`metadata || ${JSON.stringify(edit.metadata)}::jsonb`,
        embedding: embeddingOf(edit.embedding),
        embedding_model: origin.model,
        embedding_dim: origin.dimensions,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .returning(MEMORY_COLUMNS)
      .$castTo<MemoryRow>(),
  deleteById: (tenantId: string, id: string) =>
    db.deleteFrom('memories').where('id', '=', id).where('tenant_id', '=', tenantId),
  deleteMany: (tenantId: string, ids: string[]) =>
    db
      .deleteFrom('memories')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', (eb) => eb.fn.any(eb.val(ids))),
  /** A page of the tenant's memories in id order (the export). */
  pageAfter: (tenantId: string, afterId: string, limit: number) =>
    db
      .selectFrom('memories')
      .select(MEMORY_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .$castTo<MemoryRow>(),
  countsByKind: (tenantId: string) =>
    db
      .selectFrom('memories')
      .select((eb) => [
        'kind',
        eb.fn.countAll().as('count'),
        sql`count(*) FILTER (WHERE verified)`.as('verified'),
        eb.fn.avg('importance').as('avg_importance'),
        eb.fn.sum('access_count').as('accesses'),
      ])
      .where('tenant_id', '=', tenantId)
      .groupBy('kind')
      .$castTo<KindCounts>(),
  /** Memories of any tenant embedded with another model or dimension (or not at all). */
  staleEmbeddings: (origin: EmbeddingOrigin, limit: number) =>
    db
      .selectFrom('memories')
      .select(['id', 'tenant_id', 'title', 'content'])
      .where((eb) =>
        eb.or([
          eb('embedding', 'is', null),
          eb('embedding_model', 'is distinct from', origin.model),
          eb('embedding_dim', 'is distinct from', origin.dimensions),
        ]),
      )
      .orderBy('id')
      .limit(limit),
  setEmbedding: (tenantId: string, id: string, vector: number[], origin: EmbeddingOrigin) =>
    db
      .updateTable('memories')
      .set({
        embedding: embeddingOf(vector),
        embedding_model: origin.model,
        embedding_dim: origin.dimensions,
      })
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class MemoryRepository {
  insertBatch(
    executor: SqlExecutor,
    tenantId: string,
    items: MemoryWriteItem[],
    origin: EmbeddingOrigin,
  ): Promise<Array<MemoryRow & { dedupe_key: string | null }>> {
    return rowsOf(executor, statements.insertBatch(tenantId, items, origin));
  }

  byId(executor: SqlExecutor, tenantId: string, id: string): Promise<MemoryRow | undefined> {
    return firstOf(executor, statements.byId(tenantId, id));
  }

  touch(executor: SqlExecutor, tenantId: string, id: string): Promise<MemoryRow | undefined> {
    return firstOf(executor, statements.touch(tenantId, id));
  }

  byIds(executor: SqlExecutor, tenantId: string, ids: string[]): Promise<MemoryRow[]> {
    return rowsOf(executor, statements.byIds(tenantId, ids));
  }

  touchMany(executor: SqlExecutor, tenantId: string, ids: string[]): Promise<MemoryRow[]> {
    return rowsOf(executor, statements.touchMany(tenantId, ids));
  }

  async countAccess(executor: SqlExecutor, tenantId: string, ids: string[]): Promise<void> {
    await rowsOf(executor, statements.countAccess(tenantId, ids));
  }

  edit(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
    edit: MemoryEdit,
    origin: EmbeddingOrigin,
  ): Promise<MemoryRow | undefined> {
    return firstOf(executor, statements.edit(tenantId, id, edit, origin));
  }

  /** How many memories were deleted (0 or 1). */
  deleteById(executor: SqlExecutor, tenantId: string, id: string): Promise<number> {
    return affectedBy(executor, statements.deleteById(tenantId, id));
  }

  async deleteMany(executor: SqlExecutor, tenantId: string, ids: string[]): Promise<void> {
    await rowsOf(executor, statements.deleteMany(tenantId, ids));
  }

  pageAfter(
    executor: SqlExecutor,
    tenantId: string,
    afterId: string,
    limit: number,
  ): Promise<MemoryRow[]> {
    return rowsOf(executor, statements.pageAfter(tenantId, afterId, limit));
  }

  countsByKind(executor: SqlExecutor, tenantId: string): Promise<KindCounts[]> {
    return rowsOf(executor, statements.countsByKind(tenantId));
  }

  staleEmbeddings(
    executor: SqlExecutor,
    origin: EmbeddingOrigin,
    limit: number,
  ): Promise<Array<{ id: string; tenant_id: string; title: string | null; content: string }>> {
    return rowsOf(executor, statements.staleEmbeddings(origin, limit));
  }

  async setEmbedding(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
    vector: number[],
    origin: EmbeddingOrigin,
  ): Promise<void> {
    await rowsOf(executor, statements.setEmbedding(tenantId, id, vector, origin));
  }
}

export const memoryStatements: StatementCatalog = {
  file: 'src/memory/queries/memory.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const memory = '00000000-0000-0000-0000-000000000002';
    const other = '00000000-0000-0000-0000-000000000003';
    const origin = { model: 'local-lexical', dimensions: 3 };
    const item: MemoryWriteItem = {
      ord: 0,
      id: memory,
      kind: 'semantic',
      title: 'Fact: invoices',
      key: null,
      content: 'Invoices go out on the first working day.',
      metadata: {},
      importance: 0.4,
      source_goal_id: null,
      source_task_id: null,
      source_agent: 'governor',
      source_model: null,
      provenance: {},
      verified: true,
      dedupe_key: 'fact:1',
      expires_at: null,
      embedding: vectorLiteral([1, 0, 0]),
    };
    return [
      { name: 'insertBatch', statement: statements.insertBatch(tenant, [item], origin) },
      { name: 'byId', statement: statements.byId(tenant, memory) },
      { name: 'touch', statement: statements.touch(tenant, memory) },
      { name: 'byIds', statement: statements.byIds(tenant, [memory, other]) },
      { name: 'touchMany', statement: statements.touchMany(tenant, [memory, other]) },
      { name: 'countAccess', statement: statements.countAccess(tenant, [memory, other]) },
      {
        name: 'edit',
        statement: statements.edit(
          tenant,
          memory,
          { title: 't', content: 'c', importance: null, metadata: {}, embedding: [0, 1, 0] },
          origin,
        ),
      },
      { name: 'deleteById', statement: statements.deleteById(tenant, memory) },
      { name: 'deleteMany', statement: statements.deleteMany(tenant, [memory, other]) },
      { name: 'pageAfter', statement: statements.pageAfter(tenant, memory, 500) },
      { name: 'countsByKind', statement: statements.countsByKind(tenant) },
      { name: 'staleEmbeddings', statement: statements.staleEmbeddings(origin, 64) },
      {
        name: 'setEmbedding',
        statement: statements.setEmbedding(tenant, memory, [0, 0, 1], origin),
      },
    ];
  },
};
