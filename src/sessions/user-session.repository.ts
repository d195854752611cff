import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { UserSessions } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type UserSessionRow = Selectable<UserSessions>;
export type NewUserSessionRow = Omit<
  Insertable<UserSessions>,
  'created_at' | 'last_seen_at' | 'revoked_at'
>;
export type SessionState = Pick<
  UserSessionRow,
  'id' | 'tenant_id' | 'user_id' | 'expires_at' | 'revoked_at'
>;

/**
 * Every statement on `user_sessions`; each takes the tenant's id but `byTokenHash`, which
 * finds the session a presented token names before anyone knows its tenant.
 */
const statements = {
  insert: (row: NewUserSessionRow) => db.insertInto('user_sessions').values(row),
  byTokenHash: (tokenHash: string) =>
    db
      .selectFrom('user_sessions')
      .select(['id', 'tenant_id', 'user_id', 'expires_at', 'revoked_at'])
      .where('token_hash', '=', tokenHash),
  revoke: (tenantId: string, id: string) =>
    db
      .updateTable('user_sessions')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now')) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning('user_id'),
  /** Every live session of a user but `keepId`. */
  endAllOf: (tenantId: string, userId: string, keepId?: string) =>
    db
      .updateTable('user_sessions')
      .set({ revoked_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .$if(keepId !== undefined, (qb) => qb.where('id', '<>', keepId!)),
  recordSeen: (tenantId: string, id: string) =>
    db
      .updateTable('user_sessions')
      .set({ last_seen_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
};

@Injectable()
export class UserSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewUserSessionRow): Promise<void> {
    await rowsOf(this.dataSource, statements.insert(row));
  }

  /** The session a token's hash names, in whichever tenant: one round trip. */
  byTokenHash(tokenHash: string): Promise<SessionState | undefined> {
    return firstOf(this.dataSource, statements.byTokenHash(tokenHash));
  }

  /** The session's user, or undefined when the tenant has no such session. */
  async revoke(tenantId: string, id: string): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.revoke(tenantId, id)))?.user_id;
  }

  async endAllOf(tenantId: string, userId: string, keepId?: string): Promise<void> {
    await rowsOf(this.dataSource, statements.endAllOf(tenantId, userId, keepId));
  }

  async recordSeen(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.recordSeen(tenantId, id));
  }
}

export const userSessionStatements: StatementCatalog = {
  file: 'src/sessions/queries/user-session.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const id = '00000000-0000-0000-0000-0000000000c1';
    const user = '00000000-0000-0000-0000-0000000000b1';
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          user_id: user,
          token_hash: 'hash',
          ip: '10.0.0.1',
          user_agent: 'curl/8',
          expires_at: new Date('2026-01-01T00:00:00Z'),
        }),
      },
      { name: 'byTokenHash', statement: statements.byTokenHash('hash') },
      { name: 'revoke', statement: statements.revoke(tenant, id) },
      { name: 'endAllOf', statement: statements.endAllOf(tenant, user) },
      { name: 'endAllOf but one', statement: statements.endAllOf(tenant, user, id) },
      { name: 'recordSeen', statement: statements.recordSeen(tenant, id) },
    ];
  },
};
