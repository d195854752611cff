import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import type { Tenants } from '../database/schema.generated';
import { db, firstOf, rowsOf } from '../database/query-builder';
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
  ],
};
