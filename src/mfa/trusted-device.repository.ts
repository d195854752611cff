import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, rowsOf } from '../database/query-builder';
import type { TrustedDevices } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { atomically } from '../common/ambient-transaction';

export type TrustedDeviceListing = Omit<Selectable<TrustedDevices>, 'token_hash'>;

const LISTED = [
  'id',
  'tenant_id',
  'user_id',
  'name',
  'device',
  'ip',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

/** Statements on `trusted_devices`: browsers a user let skip the second factor. */
const statements = {
  insert: (row: Insertable<TrustedDevices>) => db.insertInto('trusted_devices').values(row),
  /** Marks a live device of this user used, when the presented secret is its own. */
  use: (tenantId: string, userId: string, id: string, tokenHash: string) =>
    db
      .updateTable('trusted_devices')
      .set({ last_used_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', db.fn<Date>('now')),
  listOf: (tenantId: string, userId: string) =>
    db
      .selectFrom('trusted_devices')
      .select(LISTED)
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', db.fn<Date>('now'))
      .orderBy('created_at', 'desc'),
  revoke: (tenantId: string, userId: string, id: string) =>
    db
      .updateTable('trusted_devices')
      .set({ revoked_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null),
  revokeAll: (tenantId: string, userId: string) =>
    db
      .updateTable('trusted_devices')
      .set({ revoked_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null),
};

@Injectable()
export class TrustedDeviceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  async insert(row: Insertable<TrustedDevices>): Promise<void> {
    await rowsOf(this.dataSource, statements.insert(row));
  }

  async use(tenantId: string, userId: string, id: string, tokenHash: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.use(tenantId, userId, id, tokenHash))) > 0;
  }

  listOf(tenantId: string, userId: string): Promise<TrustedDeviceListing[]> {
    return rowsOf(this.dataSource, statements.listOf(tenantId, userId));
  }

  async revoke(tenantId: string, userId: string, id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.revoke(tenantId, userId, id))) > 0;
  }

  async revokeAll(tenantId: string, userId: string): Promise<void> {
    await affectedBy(this.dataSource, statements.revokeAll(tenantId, userId));
  }
}

export const trustedDeviceStatements: StatementCatalog = {
  file: 'src/mfa/queries/trusted-device.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const user = '00000000-0000-0000-0000-0000000000b1';
    const id = '00000000-0000-0000-0000-0000000000f1';
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          user_id: user,
          name: 'Work laptop',
          token_hash: 'hash',
          device: JSON.stringify({ browser: 'Firefox', device_type: 'desktop' }),
          ip: '10.0.0.1',
          expires_at: new Date('2026-02-01T00:00:00Z'),
        }),
      },
      { name: 'use', statement: statements.use(tenant, user, id, 'hash') },
      { name: 'listOf', statement: statements.listOf(tenant, user) },
      { name: 'revoke', statement: statements.revoke(tenant, user, id) },
      { name: 'revokeAll', statement: statements.revokeAll(tenant, user) },
    ];
  },
};
