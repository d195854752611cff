import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { ApiKeys } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type ApiKeyRow = Selectable<ApiKeys>;
export type NewApiKeyRow = Omit<
  Insertable<ApiKeys>,
  'status' | 'created_at' | 'updated_at' | 'last_used_at' | 'last_used_ip'
>;

/**
 * Every statement on `api_keys`; each takes the tenant's id but `byKeyId`, which finds the
 * key a presented credential names before anyone knows its tenant.
 */
const statements = {
  insert: (row: NewApiKeyRow) => db.insertInto('api_keys').values(row).returningAll(),
  /** A tenant's keys, newest first; only one owner's when `ownerUserId` is given. */
  list: (tenantId: string, ownerUserId?: string) =>
    db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(ownerUserId !== undefined, (qb) => qb.where('owner_user_id', '=', ownerUserId!))
      .orderBy('created_at', 'desc')
      .orderBy('id'),
  byId: (tenantId: string, id: string, ownerUserId?: string) =>
    db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .$if(ownerUserId !== undefined, (qb) => qb.where('owner_user_id', '=', ownerUserId!)),
  byKeyId: (keyId: string) => db.selectFrom('api_keys').selectAll().where('key_id', '=', keyId),
  rotate: (tenantId: string, id: string, keyId: string, secretHash: string) =>
    db
      .updateTable('api_keys')
      .set({
        key_id: keyId,
        secret_hash: secretHash,
        rotated_at: db.fn('now'),
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  revoke: (tenantId: string, id: string) =>
    db
      .updateTable('api_keys')
      .set((eb) => ({
        status: sql.lit('revoked'),
        revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now')),
        updated_at: eb.fn('now'),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('api_keys').where('tenant_id', '=', tenantId).where('id', '=', id),
  count: (tenantId: string) =>
    db
      .selectFrom('api_keys')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('tenant_id', '=', tenantId),
  recordUse: (tenantId: string, id: string, ip: string | null) =>
    db
      .updateTable('api_keys')
      .set({ last_used_at: db.fn('now'), last_used_ip: ip })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
};

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewApiKeyRow): Promise<ApiKeyRow> {
    return (await firstOf(this.dataSource, statements.insert(row)))!;
  }

  list(tenantId: string, ownerUserId?: string): Promise<ApiKeyRow[]> {
    return rowsOf(this.dataSource, statements.list(tenantId, ownerUserId));
  }

  byId(tenantId: string, id: string, ownerUserId?: string): Promise<ApiKeyRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id, ownerUserId));
  }

  /** The key a presented credential names, in whichever tenant: one round trip. */
  byKeyId(keyId: string): Promise<ApiKeyRow | undefined> {
    return firstOf(this.dataSource, statements.byKeyId(keyId));
  }

  rotate(
    tenantId: string,
    id: string,
    keyId: string,
    secretHash: string,
  ): Promise<ApiKeyRow | undefined> {
    return firstOf(this.dataSource, statements.rotate(tenantId, id, keyId, secretHash));
  }

  revoke(tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
    return firstOf(this.dataSource, statements.revoke(tenantId, id));
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.delete(tenantId, id));
  }

  async count(tenantId: string): Promise<number> {
    return (await firstOf(this.dataSource, statements.count(tenantId)))?.count ?? 0;
  }

  async recordUse(tenantId: string, id: string, ip: string | null): Promise<void> {
    await rowsOf(this.dataSource, statements.recordUse(tenantId, id, ip));
  }
}

export const apiKeyStatements: StatementCatalog = {
  file: 'src/apikeys/queries/api-key.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const id = '00000000-0000-0000-0000-0000000000a1';
    const owner = '00000000-0000-0000-0000-0000000000b1';
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          key_id: 'k1',
          secret_hash: 'hash',
          name: 'ci',
          type: 'service',
          scopes: ['goals:read'],
          owner_user_id: owner,
          expires_at: null,
          rate_limit_per_minute: 60,
          rate_limit_per_hour: 1000,
          rate_limit_per_day: 10000,
          rate_limit_burst: 10,
          allowed_ips: [],
          allowed_cidrs: [],
          blocked_ips: [],
        }),
      },
      { name: 'list', statement: statements.list(tenant) },
      { name: 'list of owner', statement: statements.list(tenant, owner) },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'byId of owner', statement: statements.byId(tenant, id, owner) },
      { name: 'byKeyId', statement: statements.byKeyId('k1') },
      { name: 'rotate', statement: statements.rotate(tenant, id, 'k2', 'hash2') },
      { name: 'revoke', statement: statements.revoke(tenant, id) },
      { name: 'delete', statement: statements.delete(tenant, id) },
      { name: 'count', statement: statements.count(tenant) },
      { name: 'recordUse', statement: statements.recordUse(tenant, id, '10.0.0.1') },
    ];
  },
};
