import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import { MEMORY_COLUMNS, type MemoryRow, type MemoryType } from './memory.types';

/**
 * The keeper's statements on `memories`: retention (expiry, fading importance), the merge
 * of near-duplicates and the summary of old episodes. The records' own statements are in
 * memory.repository.ts, the similarity search in memory-vector.repository.ts.
 */
const statements = {
  /** The tenants that hold memories, for the keeper's rounds. */
  tenants: () => db.selectFrom('memories').select('tenant_id').distinct(),
  deleteExpired: (tenantId: string) =>
    db
      .deleteFrom('memories')
      .where('tenant_id', '=', tenantId)
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', sql<Date>`now()`),
  /** Importance halves with every half-life without use; below the threshold it is forgotten. */
  deleteFaded: (tenantId: string, halfLifeDays: number, forgetBelow: number) =>
    db
      .deleteFrom('memories')
      .where('tenant_id', '=', tenantId)
      .where(
        sql<number>`importance * power(0.5, extract(epoch FROM (now() - coalesce(last_accessed_at, updated_at))) / 86400.0 / ${halfLifeDays})`,
        '<',
        forgetBelow,
      ),
  /** The most recently changed memories with their embeddings (duplicate candidates). */
  recentEmbedded: (tenantId: string, dimensions: number, limit: number) =>
    db
      .selectFrom('memories')
      .select(['id', 'kind', 'embedding'])
      .where('tenant_id', '=', tenantId)
      .where('embedding_dim', '=', dimensions)
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .$castTo<{ id: string; kind: MemoryType; embedding: number[] | string }>(),
  lockForMerge: (tenantId: string, id: string) =>
    db
      .selectFrom('memories')
      .select(MEMORY_COLUMNS)
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .$castTo<MemoryRow>(),
  /** The surviving memory of a merge takes the dropped one's importance, accesses and trust. */
  absorb: (tenantId: string, keepId: string, dropped: MemoryRow) =>
    db
      .updateTable('memories')
      .set({
        importance: sql`greatest(importance, ${dropped.importance})`,
        access_count: sql`access_count + ${dropped.access_count}`,
        verified: sql`verified OR ${dropped.verified}`,
        updated_at: sql`now()`,
        metadata: sql`jsonb_set(metadata, '{merged_from}', coalesce(metadata->'merged_from', '[]'::jsonb) || to_jsonb(${dropped.id}::text))`,
      })
      .where('id', '=', keepId)
      .where('tenant_id', '=', tenantId),
  oldEpisodes: (tenantId: string, olderThanDays: number, limit: number) =>
    db
      .selectFrom('memories')
      .select(MEMORY_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'episodic')
      .where('created_at', '<', sql<Date>`now() - make_interval(days => ${olderThanDays})`)
      .orderBy('created_at')
      .limit(limit)
      .$castTo<MemoryRow>(),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class MemoryRetentionRepository {
  async tenants(executor: SqlExecutor): Promise<string[]> {
    return (await rowsOf(executor, statements.tenants())).map((r) => r.tenant_id);
  }

  deleteExpired(executor: SqlExecutor, tenantId: string): Promise<number> {
    return affectedBy(executor, statements.deleteExpired(tenantId));
  }

  deleteFaded(
    executor: SqlExecutor,
    tenantId: string,
    halfLifeDays: number,
    forgetBelow: number,
  ): Promise<number> {
    return affectedBy(executor, statements.deleteFaded(tenantId, halfLifeDays, forgetBelow));
  }

  recentEmbedded(executor: SqlExecutor, tenantId: string, dimensions: number, limit: number) {
    return rowsOf(executor, statements.recentEmbedded(tenantId, dimensions, limit));
  }

  lockForMerge(executor: SqlExecutor, tenantId: string, id: string) {
    return firstOf(executor, statements.lockForMerge(tenantId, id));
  }

  async absorb(
    executor: SqlExecutor,
    tenantId: string,
    keepId: string,
    dropped: MemoryRow,
  ): Promise<void> {
    await rowsOf(executor, statements.absorb(tenantId, keepId, dropped));
  }

  oldEpisodes(
    executor: SqlExecutor,
    tenantId: string,
    olderThanDays: number,
    limit: number,
  ): Promise<MemoryRow[]> {
    return rowsOf(executor, statements.oldEpisodes(tenantId, olderThanDays, limit));
  }
}

export const memoryRetentionStatements: StatementCatalog = {
  file: 'src/memory/queries/memory-retention.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const memory = '00000000-0000-0000-0000-000000000002';
    const other = '00000000-0000-0000-0000-000000000003';
    const row: MemoryRow = {
      id: memory,
      tenant_id: tenant,
      kind: 'semantic',
      title: null,
      key: null,
      content: 'c',
      metadata: {},
      importance: 0.5,
      source_goal_id: null,
      source_task_id: null,
      source_agent: null,
      source_model: null,
      provenance: {},
      verified: true,
      access_count: 2,
      last_accessed_at: null,
      created_at: new Date(0),
      updated_at: new Date(0),
      expires_at: null,
      embedding_model: 'local-lexical',
      embedding_dim: 3,
    };
    return [
      { name: 'tenants', statement: statements.tenants() },
      { name: 'deleteExpired', statement: statements.deleteExpired(tenant) },
      { name: 'deleteFaded', statement: statements.deleteFaded(tenant, 30, 0.05) },
      { name: 'recentEmbedded', statement: statements.recentEmbedded(tenant, 3, 200) },
      { name: 'lockForMerge', statement: statements.lockForMerge(tenant, other) },
      { name: 'absorb', statement: statements.absorb(tenant, memory, { ...row, id: other }) },
      { name: 'oldEpisodes', statement: statements.oldEpisodes(tenant, 30, 50) },
    ];
  },
};
