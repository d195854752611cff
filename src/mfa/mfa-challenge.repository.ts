import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { MfaChallenges, MfaCodes, MfaLockouts } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { atomically } from '../common/ambient-transaction';

export type MfaChallengeRow = Selectable<MfaChallenges>;
export type NewMfaCodeRow = Omit<
  Insertable<MfaCodes>,
  'created_at' | 'used_at' | 'delivery_status' | 'delivery_error' | 'provider_message_id'
>;
export type MfaLockoutRow = Selectable<MfaLockouts>;

/**
 * Statements on `mfa_challenges` (a password accepted, a second factor awaited),
 * `mfa_codes` (codes sent by SMS or email) and `mfa_lockouts` (wrong codes per user).
 */
const statements = {
  insertChallenge: (row: Insertable<MfaChallenges>) => db.insertInto('mfa_challenges').values(row),
  challengeByTokenHash: (tokenHash: string) =>
    db.selectFrom('mfa_challenges').selectAll().where('token_hash', '=', tokenHash),
  /** Counts a wrong code; at `maxFailures` the challenge locks for good. */
  failChallenge: (tenantId: string, id: string, maxFailures: number) =>
    db
      .updateTable('mfa_challenges')
      .set((eb) => ({
        failures: eb('failures', '+', 1),
        locked_at: eb
          .case()
          .when('failures', '>=', maxFailures - 1)
          .then(eb.fn.coalesce('locked_at', eb.fn<Date>('now')))
          .else(eb.ref('locked_at'))
          .end(),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returning(['failures', 'locked_at']),
  /** Completes a challenge once: a second completion matches nothing. */
  completeChallenge: (tenantId: string, id: string) =>
    db
      .updateTable('mfa_challenges')
      .set({ completed_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('completed_at', 'is', null)
      .where('locked_at', 'is', null)
      .where('expires_at', '>', db.fn<Date>('now')),

  insertCode: (row: NewMfaCodeRow) => db.insertInto('mfa_codes').values(row),
  recordDelivery: (
    tenantId: string,
    id: string,
    status: string,
    error: string | null,
    providerMessageId: string | null,
  ) =>
    db
      .updateTable('mfa_codes')
      .set({
        delivery_status: status,
        delivery_error: error,
        provider_message_id: providerMessageId,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  /** Codes sent to a user on a channel since a moment (to limit how often codes go out). */
  codesSentSince: (tenantId: string, userId: string, channel: string, since: Date) =>
    db
      .selectFrom('mfa_codes')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('channel', '=', channel)
      .where('created_at', '>', since),
  /** Spends a live code of this channel and purpose (and challenge, for a login): once. */
  useCode: (
    tenantId: string,
    userId: string,
    channel: string,
    purpose: string,
    codeHash: string,
    challengeId: string | null,
  ) =>
    db
      .updateTable('mfa_codes')
      .set({ used_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('channel', '=', channel)
      .where('purpose', '=', purpose)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', db.fn<Date>('now'))
      .$if(challengeId !== null, (qb) => qb.where('challenge_id', '=', challengeId))
      .returning('destination'),

  lockoutOf: (tenantId: string, userId: string) =>
    db
      .selectFrom('mfa_lockouts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId),
  /**
   * Counts a wrong code for the user; the count starts over after a lock has run out, and
   * reaching `maxFailures` locks until `lockUntil`.
   */
  recordFailure: (tenantId: string, userId: string, maxFailures: number, lockUntil: Date) =>
    db
      .insertInto('mfa_lockouts')
      .values({
        user_id: userId,
        tenant_id: tenantId,
        failures: 1,
        locked_until: maxFailures <= 1 ? lockUntil : null,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => {
          const expired = eb('mfa_lockouts.locked_until', '<=', eb.fn<Date>('now'));
          const failures = eb
            .case()
            .when(expired)
            .then(1)
            .else(eb('mfa_lockouts.failures', '+', 1))
            .end();
          return {
            failures,
            locked_until: eb
              .case()
              .when(failures, '>=', maxFailures)
              .then(lockUntil)
              .when(expired)
              .then(null)
              .else(eb.ref('mfa_lockouts.locked_until'))
              .end(),
            updated_at: eb.fn<Date>('now'),
          };
        }),
      )
      .returning(['failures', 'locked_until']),
  clearFailures: (tenantId: string, userId: string) =>
    db.deleteFrom('mfa_lockouts').where('tenant_id', '=', tenantId).where('user_id', '=', userId),
};

@Injectable()
export class MfaChallengeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  async insertChallenge(row: Insertable<MfaChallenges>): Promise<void> {
    await rowsOf(this.dataSource, statements.insertChallenge(row));
  }

  challengeByTokenHash(tokenHash: string): Promise<MfaChallengeRow | undefined> {
    return firstOf(this.dataSource, statements.challengeByTokenHash(tokenHash));
  }

  async failChallenge(
    tenantId: string,
    id: string,
    maxFailures: number,
  ): Promise<{ failures: number; locked: boolean }> {
    const row = await firstOf(this.dataSource, statements.failChallenge(tenantId, id, maxFailures));
    return { failures: row?.failures ?? maxFailures, locked: !!row?.locked_at };
  }

  async completeChallenge(tenantId: string, id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.completeChallenge(tenantId, id))) > 0;
  }

  async insertCode(row: NewMfaCodeRow): Promise<void> {
    await rowsOf(this.dataSource, statements.insertCode(row));
  }

  async recordDelivery(
    tenantId: string,
    id: string,
    status: string,
    error: string | null,
    providerMessageId: string | null,
  ): Promise<void> {
    await affectedBy(
      this.dataSource,
      statements.recordDelivery(tenantId, id, status, error, providerMessageId),
    );
  }

  async codesSentSince(
    tenantId: string,
    userId: string,
    channel: string,
    since: Date,
  ): Promise<number> {
    const row = await firstOf(
      this.dataSource,
      statements.codesSentSince(tenantId, userId, channel, since),
    );
    return Number(row?.count ?? 0);
  }

  /** Whether a live, unused code matched (and is now spent). */
  async useCode(
    tenantId: string,
    userId: string,
    channel: string,
    purpose: string,
    codeHash: string,
    challengeId: string | null,
  ): Promise<boolean> {
    const rows = await rowsOf(
      this.dataSource,
      statements.useCode(tenantId, userId, channel, purpose, codeHash, challengeId),
    );
    return rows.length > 0;
  }

  lockoutOf(tenantId: string, userId: string): Promise<MfaLockoutRow | undefined> {
    return firstOf(this.dataSource, statements.lockoutOf(tenantId, userId));
  }

  async recordFailure(
    tenantId: string,
    userId: string,
    maxFailures: number,
    lockUntil: Date,
  ): Promise<Date | null> {
    const row = await firstOf(
      this.dataSource,
      statements.recordFailure(tenantId, userId, maxFailures, lockUntil),
    );
    return row?.locked_until ? new Date(row.locked_until) : null;
  }

  async clearFailures(tenantId: string, userId: string): Promise<void> {
    await affectedBy(this.dataSource, statements.clearFailures(tenantId, userId));
  }
}

export const mfaChallengeStatements: StatementCatalog = {
  file: 'src/mfa/queries/mfa-challenge.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const user = '00000000-0000-0000-0000-0000000000b1';
    const id = '00000000-0000-0000-0000-0000000000e1';
    const at = new Date('2026-01-01T00:10:00Z');
    return [
      {
        name: 'insertChallenge',
        statement: statements.insertChallenge({
          id,
          tenant_id: tenant,
          user_id: user,
          token_hash: 'hash',
          ip: '10.0.0.1',
          user_agent: 'curl/8',
          expires_at: at,
        }),
      },
      { name: 'challengeByTokenHash', statement: statements.challengeByTokenHash('hash') },
      { name: 'failChallenge', statement: statements.failChallenge(tenant, id, 5) },
      { name: 'completeChallenge', statement: statements.completeChallenge(tenant, id) },
      {
        name: 'insertCode',
        statement: statements.insertCode({
          id,
          tenant_id: tenant,
          user_id: user,
          channel: 'sms',
          purpose: 'login',
          challenge_id: id,
          code_hash: 'hash',
          destination: '+15550100',
          expires_at: at,
        }),
      },
      {
        name: 'recordDelivery',
        statement: statements.recordDelivery(tenant, id, 'sent', null, 'msg-1'),
      },
      { name: 'codesSentSince', statement: statements.codesSentSince(tenant, user, 'sms', at) },
      {
        name: 'useCode',
        statement: statements.useCode(tenant, user, 'sms', 'login', 'hash', id),
      },
      { name: 'lockoutOf', statement: statements.lockoutOf(tenant, user) },
      { name: 'recordFailure', statement: statements.recordFailure(tenant, user, 5, at) },
      { name: 'clearFailures', statement: statements.clearFailures(tenant, user) },
    ];
  },
};
