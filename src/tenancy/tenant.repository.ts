import { Injectable } from '@nestjs/common';
import { sql, type Selectable, type Updateable } from 'kysely';
import { DataSource } from 'typeorm';
import type { Tenants } from '../database/schema.generated';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import type { TenantStatus } from './tenant-lifecycle';
import { atomically } from '../common/ambient-transaction';

export type TenantRow = Selectable<Tenants>;

export interface NewTenantRow {
  id: string;
  slug: string;
  name: string;
  tier?: string;
  status?: TenantStatus;
  owner_email?: string | null;
  config?: string;
  quota_overrides?: string;
}

/** What an administrator may change of a tenant (JSON columns as JSON text). */
export type TenantChange = Pick<
  Updateable<Tenants>,
  'name' | 'tier' | 'owner_email' | 'config' | 'quota_overrides' | 'mfa_required'
>;

/** JSON objects merged key by key over the stored ones, in the statement that writes them. */
export interface TenantMerge {
  config?: string;
  quota_overrides?: string;
}

/** A move in the lifecycle: made only while the tenant is in one of `from`. */
export interface TenantStatusMove {
  from: readonly TenantStatus[];
  to: TenantStatus;
  reason: string | null;
  /** DELETED only: when the purge may remove the tenant's data. */
  purgeAfterDays?: number;
}

/** Every statement on `tenants`. The table is the platform's list of tenants: not tenant-owned. */
const statements = {
  insert: (row: NewTenantRow) =>
    db
      .insertInto('tenants')
      .values(row)
      .onConflict((oc) => oc.column('slug').doNothing())
      .returningAll(),
  byId: (id: string) => db.selectFrom('tenants').selectAll().where('id', '=', id),
  bySlug: (slug: string) => db.selectFrom('tenants').selectAll().where('slug', '=', slug),
  byIdOrSlug: (ref: string) =>
    db
      .selectFrom('tenants')
      .selectAll()
      .where((eb) => eb.or([eb(eb.cast('id', 'text'), '=', ref), eb('slug', '=', ref)])),
  all: (includeDeleted: boolean) =>
    db
      .selectFrom('tenants')
      .selectAll()
      .$if(!includeDeleted, (q) => q.where('status', '<>', sql.lit('DELETED')))
      .orderBy('created_at'),
  update: (id: string, change: TenantChange, merge: TenantMerge = {}) =>
    db
      .updateTable('tenants')
      .set({
        ...change,
        ...(merge.config === undefined ? {} : { config: sql`config || ${merge.config}::jsonb` }),
        ...(merge.quota_overrides === undefined
          ? {}
          : { quota_overrides: sql`quota_overrides || ${merge.quota_overrides}::jsonb` }),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('status', '<>', sql.lit('DELETED'))
      .returningAll(),
  move: (id: string, move: TenantStatusMove) =>
    db
      .updateTable('tenants')
      .set({
        status: move.to,
        status_reason: move.reason,
        status_changed_at: sql`now()`,
        updated_at: sql`now()`,
        deleted_at: move.to === 'DELETED' ? sql`now()` : null,
        purge_after:
          move.to === 'DELETED'
            ? sql`now() + make_interval(days => ${move.purgeAfterDays ?? 0})`
            : null,
      })
      .where('id', '=', id)
      .where('status', 'in', [...move.from])
      .returningAll(),
  setMfaRequired: (id: string, required: boolean) =>
    db.updateTable('tenants').set({ mfa_required: required }).where('id', '=', id).returningAll(),
  duePurge: (limit: number, now: Date) =>
    db
      .selectFrom('tenants')
      .select('id')
      .where('status', '=', 'DELETED')
      .where('purge_after', '<=', now)
      .orderBy('purge_after')
      .limit(limit),
  /** Holds off writes that reference the tenant (they take a key share lock on its row). */
  lockForPurge: (id: string) =>
    db.selectFrom('tenants').select(['id', 'status']).where('id', '=', id).forUpdate(),
  deletePurged: (id: string) =>
    db.deleteFrom('tenants').where('id', '=', id).where('status', '=', 'DELETED'),
};

@Injectable()
export class TenantRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  /** The new row, or undefined when the slug is taken (also by a concurrent insert). */
  insert(row: NewTenantRow): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.insert(row));
  }

  /** On `executor` inside a unit of work (PGlite has one connection: it would wait on itself). */
  byId(id: string, executor: SqlExecutor = this.dataSource): Promise<TenantRow | undefined> {
    return firstOf(executor, statements.byId(id));
  }

  bySlug(slug: string): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.bySlug(slug));
  }

  byIdOrSlug(ref: string): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.byIdOrSlug(ref));
  }

  all(includeDeleted = false): Promise<TenantRow[]> {
    return rowsOf(this.dataSource, statements.all(includeDeleted));
  }

  /** Undefined when there is no such tenant, or it is deleted. */
  update(id: string, change: TenantChange, merge?: TenantMerge): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.update(id, change, merge));
  }

  /** The row after the move; undefined when the tenant was not in a status the move starts from. */
  move(id: string, move: TenantStatusMove): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.move(id, move));
  }

  setMfaRequired(id: string, required: boolean): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.setMfaRequired(id, required));
  }

  /** Deleted tenants whose retention has ended by `now`, the longest overdue first. */
  async duePurge(limit: number, now: Date): Promise<string[]> {
    return (await rowsOf(this.dataSource, statements.duePurge(limit, now))).map((r) => r.id);
  }

  /** The tenant's status, its row locked until the purge's transaction ends. */
  async lockForPurge(executor: SqlExecutor, id: string): Promise<string | undefined> {
    return (await firstOf(executor, statements.lockForPurge(id)))?.status;
  }

  /** Deletes the row of a tenant in status DELETED; 0 when there is none. */
  deletePurged(executor: SqlExecutor, id: string): Promise<number> {
    return affectedBy(executor, statements.deletePurged(id));
  }
}

const SAMPLE_ID = '00000000-0000-0000-0000-000000000001';

export const tenantStatements: StatementCatalog = {
  file: 'src/tenancy/queries/tenant.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        id: SAMPLE_ID,
        slug: 'acme',
        name: 'Acme',
        tier: 'FREE',
        status: 'ACTIVE',
        owner_email: null,
        config: '{}',
        quota_overrides: '{}',
      }),
    },
    { name: 'byId', statement: statements.byId(SAMPLE_ID) },
    { name: 'bySlug', statement: statements.bySlug('acme') },
    { name: 'byIdOrSlug', statement: statements.byIdOrSlug('acme') },
    { name: 'all', statement: statements.all(false) },
    { name: 'all (with deleted)', statement: statements.all(true) },
    {
      name: 'update',
      statement: statements.update(SAMPLE_ID, { name: 'Acme Corp', tier: 'STARTER' }),
    },
    {
      name: 'update (merging quota overrides and config)',
      statement: statements.update(
        SAMPLE_ID,
        {},
        { quota_overrides: '{"workers": 2}', config: '{"region": "eu"}' },
      ),
    },
    {
      name: 'move (suspend)',
      statement: statements.move(SAMPLE_ID, {
        from: ['ACTIVE'],
        to: 'SUSPENDED',
        reason: 'billing',
      }),
    },
    {
      name: 'move (delete)',
      statement: statements.move(SAMPLE_ID, {
        from: ['PENDING', 'ACTIVE', 'SUSPENDED'],
        to: 'DELETED',
        reason: null,
        purgeAfterDays: 30,
      }),
    },
    { name: 'setMfaRequired', statement: statements.setMfaRequired(SAMPLE_ID, true) },
    {
      name: 'duePurge',
      statement: statements.duePurge(100, new Date('2026-01-01T00:00:00.000Z')),
    },
    {
      name: 'lockForPurge',
      statement: statements.lockForPurge('00000000-0000-0000-0000-000000000001'),
    },
    {
      name: 'deletePurged',
      statement: statements.deletePurged('00000000-0000-0000-0000-000000000001'),
    },
  ],
};
