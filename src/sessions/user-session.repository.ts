import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { UserSessions } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { atomically } from '../common/ambient-transaction';

export type UserSessionRow = Selectable<UserSessions>;
export type NewUserSessionRow = Omit<
  Insertable<UserSessions>,
  'created_at' | 'last_seen_at' | 'revoked_at' | 'locked_at' | 'rotated_at'
>;
/** A session as listed: everything but the token's hash. */
export type SessionListing = Omit<UserSessionRow, 'token_hash'>;
/** What changes with a new token: the MFA, enrollment and elevation state. */
export type SessionRotation = Pick<
  Updateable<UserSessions>,
  'mfa_verified' | 'enrollment_only' | 'elevated_until'
>;

const LISTED = [
  'id',
  'tenant_id',
  'user_id',
  'session_type',
  'auth_method',
  'device',
  'geo',
  'ip',
  'user_agent',
  'mfa_verified',
  'enrollment_only',
  'elevated_until',
  'created_at',
  'last_seen_at',
  'expires_at',
  'rotated_at',
  'locked_at',
  'locked_by',
  'lock_reason',
  'revoked_at',
  'revoke_reason',
] as const;

/**
 * Every statement on `user_sessions`; each takes the tenant's id but `byTokenHash`, which
 * finds the session a presented token names before anyone knows its tenant.
 */
const statements = {
  insert: (row: NewUserSessionRow) => db.insertInto('user_sessions').values(row),
  byTokenHash: (tokenHash: string) =>
    db.selectFrom('user_sessions').select(LISTED).where('token_hash', '=', tokenHash),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('user_sessions')
      .select(LISTED)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  /** A tenant's sessions, newest first: one user's, or everyone's. */
  list: (tenantId: string, userId: string | undefined, limit: number) =>
    db
      .selectFrom('user_sessions')
      .select(LISTED)
      .where('tenant_id', '=', tenantId)
      .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId!))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit),
  /** A user's unrevoked, unexpired sessions, newest first. */
  liveIdsOf: (tenantId: string, userId: string) =>
    db
      .selectFrom('user_sessions')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', db.fn<Date>('now'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc'),
  revoke: (tenantId: string, id: string, reason: string) =>
    db
      .updateTable('user_sessions')
      .set((eb) => ({
        revoked_at: eb.fn.coalesce('revoked_at', eb.fn<Date>('now')),
        revoke_reason: eb.fn.coalesce('revoke_reason', eb.val(reason)),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning('user_id'),
  revokeMany: (tenantId: string, ids: string[], reason: string) =>
    db
      .updateTable('user_sessions')
      .set({ revoked_at: db.fn('now'), revoke_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .where('revoked_at', 'is', null),
  /** Every live session of a user but `keepId`. */
  endAllOf: (tenantId: string, userId: string, reason: string, keepId?: string) =>
    db
      .updateTable('user_sessions')
      .set({ revoked_at: db.fn('now'), revoke_reason: reason })
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
  /** A new token for a live session; the old one stops matching at once. */
  rotate: (tenantId: string, id: string, tokenHash: string, change: SessionRotation) =>
    db
      .updateTable('user_sessions')
      .set({ ...change, token_hash: tokenHash, rotated_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('locked_at', 'is', null),
  lock: (tenantId: string, id: string, by: string, reason: string) =>
    db
      .updateTable('user_sessions')
      .set({ locked_at: db.fn('now'), locked_by: by, lock_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('user_id'),
  unlock: (tenantId: string, id: string) =>
    db
      .updateTable('user_sessions')
      .set({ locked_at: null, locked_by: null, lock_reason: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('user_id'),
};

@Injectable()
export class UserSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  async insert(row: NewUserSessionRow): Promise<void> {
    await rowsOf(this.dataSource, statements.insert(row));
  }

  /** The session a token's hash names, in whichever tenant: one round trip. */
  byTokenHash(tokenHash: string): Promise<SessionListing | undefined> {
    return firstOf(this.dataSource, statements.byTokenHash(tokenHash));
  }

  byId(tenantId: string, id: string): Promise<SessionListing | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  list(tenantId: string, userId: string | undefined, limit: number): Promise<SessionListing[]> {
    return rowsOf(this.dataSource, statements.list(tenantId, userId, limit));
  }

  async liveIdsOf(tenantId: string, userId: string): Promise<string[]> {
    return (await rowsOf(this.dataSource, statements.liveIdsOf(tenantId, userId))).map((r) => r.id);
  }

  /** The session's user, or undefined when the tenant has no such session. */
  async revoke(tenantId: string, id: string, reason: string): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.revoke(tenantId, id, reason)))?.user_id;
  }

  async revokeMany(tenantId: string, ids: string[], reason: string): Promise<void> {
    if (ids.length) await rowsOf(this.dataSource, statements.revokeMany(tenantId, ids, reason));
  }

  /** How many sessions were ended. */
  endAllOf(tenantId: string, userId: string, reason: string, keepId?: string): Promise<number> {
    return affectedBy(this.dataSource, statements.endAllOf(tenantId, userId, reason, keepId));
  }

  async recordSeen(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.recordSeen(tenantId, id));
  }

  /** Whether the session was live (not revoked, not locked) and took the new token. */
  async rotate(
    tenantId: string,
    id: string,
    tokenHash: string,
    change: SessionRotation,
  ): Promise<boolean> {
    return (
      (await affectedBy(this.dataSource, statements.rotate(tenantId, id, tokenHash, change))) > 0
    );
  }

  async lock(
    tenantId: string,
    id: string,
    by: string,
    reason: string,
  ): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.lock(tenantId, id, by, reason)))?.user_id;
  }

  async unlock(tenantId: string, id: string): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.unlock(tenantId, id)))?.user_id;
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
          session_type: 'web',
          auth_method: 'password',
          device: JSON.stringify({ browser: 'Firefox', device_type: 'desktop' }),
          geo: null,
          mfa_verified: false,
          enrollment_only: false,
          ip: '10.0.0.1',
          user_agent: 'curl/8',
          expires_at: new Date('2026-01-01T00:00:00Z'),
        }),
      },
      { name: 'byTokenHash', statement: statements.byTokenHash('hash') },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'list of a user', statement: statements.list(tenant, user, 100) },
      { name: 'list of a tenant', statement: statements.list(tenant, undefined, 100) },
      { name: 'liveIdsOf', statement: statements.liveIdsOf(tenant, user) },
      { name: 'revoke', statement: statements.revoke(tenant, id, 'signed-out') },
      { name: 'revokeMany', statement: statements.revokeMany(tenant, [id], 'session-limit') },
      { name: 'endAllOf', statement: statements.endAllOf(tenant, user, 'password-changed') },
      {
        name: 'endAllOf but one',
        statement: statements.endAllOf(tenant, user, 'revoke-all', id),
      },
      { name: 'recordSeen', statement: statements.recordSeen(tenant, id) },
      {
        name: 'rotate',
        statement: statements.rotate(tenant, id, 'hash2', {
          mfa_verified: true,
          elevated_until: new Date('2026-01-01T00:15:00Z'),
        }),
      },
      { name: 'lock', statement: statements.lock(tenant, id, user, 'suspicious') },
      { name: 'unlock', statement: statements.unlock(tenant, id) },
    ];
  },
};
