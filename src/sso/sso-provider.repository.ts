import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { SsoProviders } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type SsoProviderRow = Selectable<SsoProviders>;
export type NewSsoProviderRow = Omit<Insertable<SsoProviders>, 'created_at' | 'updated_at'>;
export type SsoProviderChange = Omit<
  Updateable<SsoProviders>,
  'id' | 'tenant_id' | 'protocol' | 'template' | 'created_at' | 'updated_at'
>;

/**
 * Every statement on `sso_providers`; each takes the tenant's id but `byId`, which the
 * sign-in routes use (a provider's id in the login URL names its tenant).
 */
const statements = {
  insert: (row: NewSsoProviderRow) => db.insertInto('sso_providers').values(row).returningAll(),
  byId: (id: string) => db.selectFrom('sso_providers').selectAll().where('id', '=', id),
  inTenant: (tenantId: string, id: string) =>
    db
      .selectFrom('sso_providers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  list: (tenantId: string) =>
    db
      .selectFrom('sso_providers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id'),
  update: (tenantId: string, id: string, change: SsoProviderChange) =>
    db
      .updateTable('sso_providers')
      .set({ ...change, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('sso_providers').where('tenant_id', '=', tenantId).where('id', '=', id),
};

@Injectable()
export class SsoProviderRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewSsoProviderRow): Promise<SsoProviderRow> {
    return (await firstOf(this.dataSource, statements.insert(row)))!;
  }

  /** A provider by id in whichever tenant: only for the sign-in routes. */
  byId(id: string): Promise<SsoProviderRow | undefined> {
    return firstOf(this.dataSource, statements.byId(id));
  }

  inTenant(tenantId: string, id: string): Promise<SsoProviderRow | undefined> {
    return firstOf(this.dataSource, statements.inTenant(tenantId, id));
  }

  list(tenantId: string): Promise<SsoProviderRow[]> {
    return rowsOf(this.dataSource, statements.list(tenantId));
  }

  update(
    tenantId: string,
    id: string,
    change: SsoProviderChange,
  ): Promise<SsoProviderRow | undefined> {
    return firstOf(this.dataSource, statements.update(tenantId, id, change));
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.delete(tenantId, id))) > 0;
  }
}

export const ssoProviderStatements: StatementCatalog = {
  file: 'src/sso/queries/sso-provider.repository.sql',
  samples() {
    const tenant = '00000000-0000-4000-8000-000000000001';
    const id = '00000000-0000-4000-8000-000000000002';
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          name: 'Okta',
          template: 'okta',
          protocol: 'oidc',
          settings: JSON.stringify({ issuer: 'https://acme.okta.com' }),
          sealed_secrets: 'v1.iv.ciphertext.tag',
        }),
      },
      { name: 'byId', statement: statements.byId(id) },
      { name: 'inTenant', statement: statements.inTenant(tenant, id) },
      { name: 'list', statement: statements.list(tenant) },
      { name: 'update', statement: statements.update(tenant, id, { enabled: false }) },
      { name: 'delete', statement: statements.delete(tenant, id) },
    ];
  },
};
