import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { AuditEvents } from '../database/schema.generated';
import { recordset } from '../database/recordset';
import type { StatementCatalog } from '../database/statement-catalog';
import type { AuditEntry } from './audit-event';
import type { AuditFilters } from './audit-query';

export type AuditEventRow = Selectable<AuditEvents>;

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Entries of one tenant matching every given filter. */
const matching = (f: AuditFilters) =>
  db
    .selectFrom('audit_events')
    .where('tenant_id', '=', f.tenantId)
    .$if(f.start !== undefined, (q) => q.where('occurred_at', '>=', f.start!))
    .$if(f.end !== undefined, (q) => q.where('occurred_at', '<=', f.end!))
    .$if(f.actorId !== undefined, (q) => q.where('actor_id', '=', f.actorId!))
    .$if(f.actorType !== undefined, (q) => q.where('actor_type', '=', f.actorType!))
    .$if(f.ip !== undefined, (q) => q.where('actor_ip', '=', f.ip!))
    .$if(f.resourceType !== undefined, (q) => q.where('resource_type', '=', f.resourceType!))
    .$if(f.resourceId !== undefined, (q) => q.where('resource_id', '=', f.resourceId!))
    .$if(!!f.categories?.length, (q) => q.where('category', 'in', f.categories!))
    .$if(!!f.severities?.length, (q) => q.where('severity', 'in', f.severities!))
    .$if(!!f.outcomes?.length, (q) => q.where('outcome', 'in', f.outcomes!))
    .$if(f.eventType !== undefined, (q) => q.where('event_type', '=', f.eventType!))
    .$if(!!f.tags?.length, (q) => q.where('tags', '@>', sql<string[]>`${f.tags!}::text[]`))
    .$if(!!f.text, (q) =>
      q.where((eb) =>
        eb.and(
          f
            .text!.split(/\s+/)
            .filter(Boolean)
            .slice(0, 8)
            .map((word) =>
              eb(
                sql<string>`concat_ws(' ', event_type, message, resource_type, resource_id, actor_id, endpoint)`,
                'ilike',
                like(word),
              ),
            ),
        ),
      ),
    );

const ENTRY_COLUMNS = {
  id: 'uuid',
  tenant_id: 'uuid',
  seq: 'bigint',
  occurred_at: 'timestamptz',
  category: 'text',
  event_type: 'text',
  severity: 'text',
  outcome: 'text',
  actor_id: 'text',
  actor_type: 'text',
  actor_ip: 'text',
  resource_type: 'text',
  resource_id: 'text',
  request_id: 'text',
  endpoint: 'text',
  method: 'text',
  duration_ms: 'integer',
  changes: 'jsonb',
  tags: 'text[]',
  details: 'jsonb',
  message: 'text',
  prev_hash: 'text',
  hash: 'text',
} as const;
const ENTRY_COLUMN_NAMES = Object.keys(ENTRY_COLUMNS) as Array<keyof typeof ENTRY_COLUMNS>;

/** Every statement on `audit_events` and `audit_checkpoints`. */
const statements = {
  /** Holds the tenant's chain to the end of the transaction (read the head, then append). */
  lockChain: (tenantId: string) =>
    db.selectNoFrom(
      sql<string>`pg_advisory_xact_lock(hashtextextended(${`audit-chain:${tenantId}`}, 0))::text`.as(
        'locked',
      ),
    ),
  lastEntry: (tenantId: string) =>
    db
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .limit(1),
  lastCheckpoint: (tenantId: string) =>
    db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .limit(1),
  /** Any number of entries as one JSON parameter (one prepared statement for every batch). */
  insert: (rows: readonly AuditEntry[]) =>
    db
      .insertInto('audit_events')
      .columns(ENTRY_COLUMN_NAMES)
      .expression(db.selectFrom(recordset('r', rows, ENTRY_COLUMNS)).select(ENTRY_COLUMN_NAMES)),
  search: (f: AuditFilters) =>
    matching(f)
      .selectAll()
      .orderBy('occurred_at', f.sort)
      .orderBy('seq', f.sort)
      .limit(f.limit)
      .offset(f.offset),
  count: (f: AuditFilters) => matching(f).select((eb) => eb.fn.countAll<string>().as('total')),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  /** The chain in order from `afterSeq`, a page at a time. */
  chainPage: (tenantId: string, afterSeq: number, limit: number) =>
    db
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', sql<string>`${afterSeq}::bigint`)
      .orderBy('seq')
      .limit(limit),
  tenantsWithEntries: () => db.selectFrom('audit_events').select('tenant_id').distinct(),
  /**
   * The end of the tenant's expired prefix: the entry before its first one still kept
   * (a category's retention in days: `security` for SECURITY and AUTHENTICATION).
   */
  expiredPrefixEnd: (tenantId: string, days: { security: number; other: number }) =>
    db
      .selectFrom('audit_events')
      .select((eb) => [
        eb.fn.max('seq').as('last'),
        sql<string | null>`min(seq) FILTER (WHERE occurred_at >= now() - make_interval(days =>
          CASE WHEN category IN ('SECURITY', 'AUTHENTICATION') THEN ${days.security}::int ELSE ${days.other}::int END))`.as(
          'first_kept',
        ),
      ])
      .where('tenant_id', '=', tenantId),
  /** Lets this transaction remove audit rows (retention, purge); nothing else may. */
  allowMaintenance: () =>
    db.selectNoFrom(sql<string>`set_config('app.audit_maintenance', 'on', true)`.as('on')),
  deletePrefix: (tenantId: string, seq: number) =>
    db
      .deleteFrom('audit_events')
      .where('tenant_id', '=', tenantId)
      .where('seq', '<=', sql<string>`${seq}::bigint`),
  insertCheckpoint: (row: {
    tenant_id: string;
    seq: number;
    hash: string;
    removed: number;
    signature: string;
  }) => db.insertInto('audit_checkpoints').values(row),
};

export interface ChainHead {
  seq: number;
  hash: string;
}

@Injectable()
export class AuditEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  async lockChain(executor: SqlExecutor, tenantId: string): Promise<void> {
    await rowsOf(executor, statements.lockChain(tenantId));
  }

  /** The last link of the tenant's chain: its last entry, or the checkpoint retention left. */
  async head(executor: SqlExecutor, tenantId: string): Promise<ChainHead | undefined> {
    const entry = await firstOf(executor, statements.lastEntry(tenantId));
    if (entry) return { seq: Number(entry.seq), hash: entry.hash };
    const checkpoint = await firstOf(executor, statements.lastCheckpoint(tenantId));
    return checkpoint ? { seq: Number(checkpoint.seq), hash: checkpoint.hash } : undefined;
  }

  async insert(executor: SqlExecutor, rows: readonly AuditEntry[]): Promise<void> {
    if (rows.length) await rowsOf(executor, statements.insert(rows));
  }

  async search(filters: AuditFilters): Promise<{ items: AuditEventRow[]; total: number }> {
    const [items, total] = await Promise.all([
      rowsOf(this.dataSource, statements.search(filters)),
      firstOf(this.dataSource, statements.count(filters)),
    ]);
    return { items, total: Number(total?.total ?? 0) };
  }

  byId(tenantId: string, id: string): Promise<AuditEventRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  chainPage(tenantId: string, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
    return rowsOf(this.dataSource, statements.chainPage(tenantId, afterSeq, limit));
  }

  lastCheckpoint(tenantId: string) {
    return firstOf(this.dataSource, statements.lastCheckpoint(tenantId));
  }

  async tenantsWithEntries(): Promise<string[]> {
    return (await rowsOf(this.dataSource, statements.tenantsWithEntries())).map((r) => r.tenant_id);
  }

  /** The last seq of the expired prefix, or undefined when the first entry is still kept. */
  async expiredPrefixEnd(
    executor: SqlExecutor,
    tenantId: string,
    days: { security: number; other: number },
  ): Promise<number | undefined> {
    const row = await firstOf(executor, statements.expiredPrefixEnd(tenantId, days));
    if (!row?.last) return undefined;
    const end = row.first_kept === null ? Number(row.last) : Number(row.first_kept) - 1;
    return end > 0 ? end : undefined;
  }

  async entryAt(
    executor: SqlExecutor,
    tenantId: string,
    seq: number,
  ): Promise<AuditEventRow | undefined> {
    return firstOf(executor, statements.chainPage(tenantId, seq - 1, 1));
  }

  async removePrefix(
    executor: SqlExecutor,
    tenantId: string,
    end: { seq: number; hash: string },
    signature: string,
  ): Promise<number> {
    await rowsOf(executor, statements.allowMaintenance());
    const removed = await affectedBy(executor, statements.deletePrefix(tenantId, end.seq));
    await rowsOf(
      executor,
      statements.insertCheckpoint({
        tenant_id: tenantId,
        seq: end.seq,
        hash: end.hash,
        removed,
        signature,
      }),
    );
    return removed;
  }
}

const TENANT = '00000000-0000-0000-0000-000000000001';
const sampleFilters: AuditFilters = {
  tenantId: TENANT,
  start: new Date('2026-01-01T00:00:00.000Z'),
  end: new Date('2026-02-01T00:00:00.000Z'),
  actorId: 'u1',
  categories: ['SECURITY', 'AUTHENTICATION'],
  outcomes: ['FAILURE'],
  text: 'role admin',
  tags: ['http'],
  sort: 'desc',
  limit: 50,
  offset: 0,
};

export const auditEventStatements: StatementCatalog = {
  file: 'src/audit/queries/audit-event.repository.sql',
  samples: () => [
    { name: 'lockChain', statement: statements.lockChain(TENANT) },
    { name: 'lastEntry', statement: statements.lastEntry(TENANT) },
    { name: 'lastCheckpoint', statement: statements.lastCheckpoint(TENANT) },
    { name: 'insert', statement: statements.insert([]) },
    { name: 'search', statement: statements.search(sampleFilters) },
    { name: 'count', statement: statements.count(sampleFilters) },
    { name: 'byId', statement: statements.byId(TENANT, '00000000-0000-0000-0000-0000000000a1') },
    { name: 'chainPage', statement: statements.chainPage(TENANT, 100, 500) },
    { name: 'tenantsWithEntries', statement: statements.tenantsWithEntries() },
    {
      name: 'expiredPrefixEnd',
      statement: statements.expiredPrefixEnd(TENANT, { security: 365, other: 90 }),
    },
    { name: 'allowMaintenance', statement: statements.allowMaintenance() },
    { name: 'deletePrefix', statement: statements.deletePrefix(TENANT, 10) },
  ],
};
