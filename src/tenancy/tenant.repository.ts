import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import type { Tenants } from '../database/schema.generated';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

export type TenantRow = Selectable<Tenants>;

/** Every statement on `tenants`. The table is the platform's list of tenants: not tenant-owned. */
const statements = {
  insert: (row: { id: string; slug: string; name: string }) =>
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
  all: () => db.selectFrom('tenants').selectAll().orderBy('created_at'),
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

  /** The new row, or undefined when the slug is taken (also by a concurrent insert). */
  insert(row: { id: string; slug: string; name: string }): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.insert(row));
  }

  byId(id: string): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.byId(id));
  }

  bySlug(slug: string): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.bySlug(slug));
  }

  byIdOrSlug(ref: string): Promise<TenantRow | undefined> {
    return firstOf(this.dataSource, statements.byIdOrSlug(ref));
  }

  all(): Promise<TenantRow[]> {
    return rowsOf(this.dataSource, statements.all());
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

export const tenantStatements: StatementCatalog = {
  file: 'src/tenancy/queries/tenant.repository.sql',
  samples: () => [
    {
      name: 'insert',
      statement: statements.insert({
        id: '00000000-0000-0000-0000-000000000001',
        slug: 'acme',
        name: 'Acme',
      }),
    },
    { name: 'byId', statement: statements.byId('00000000-0000-0000-0000-000000000001') },
    { name: 'bySlug', statement: statements.bySlug('acme') },
    { name: 'byIdOrSlug', statement: statements.byIdOrSlug('acme') },
    { name: 'all', statement: statements.all() },
    {
      name: 'setMfaRequired',
      statement: statements.setMfaRequired('00000000-0000-0000-0000-000000000001', true),
    },
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
