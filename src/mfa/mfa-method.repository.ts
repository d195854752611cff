import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { MfaMethods } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { inTransaction } from '../database/transaction';
import { atomically } from '../common/ambient-transaction';

export type MfaKind = 'totp' | 'sms' | 'email';
export type MfaMethodRow = Selectable<MfaMethods>;

/** Statements on `mfa_methods` and `mfa_backup_codes`: a user's second factors. */
const statements = {
  methodsOf: (tenantId: string, userId: string) =>
    db
      .selectFrom('mfa_methods')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('kind'),
  /** A new pending method, or the user's pending one of that kind restarted. */
  upsertPending: (
    id: string,
    tenantId: string,
    userId: string,
    kind: MfaKind,
    secretSealed: string | null,
    destination: string | null,
  ) =>
    db
      .insertInto('mfa_methods')
      .values({
        id,
        tenant_id: tenantId,
        user_id: userId,
        kind,
        status: 'pending',
        secret_sealed: secretSealed,
        destination,
      })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'kind'])
          .doUpdateSet({
            secret_sealed: secretSealed,
            destination,
            created_at: db.fn<Date>('now'),
            last_used_step: null,
          })
          .where('mfa_methods.status', '=', 'pending'),
      )
      .returning('id'),
  activate: (tenantId: string, userId: string, kind: MfaKind, step: number | null) =>
    db
      .updateTable('mfa_methods')
      .set({
        status: 'active',
        confirmed_at: db.fn<Date>('now'),
        last_used_at: db.fn<Date>('now'),
        last_used_step: step === null ? null : String(step),
      })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .where('status', '=', 'pending'),
  /** Takes a TOTP step once: a step at or before the last one used matches nothing. */
  useStep: (tenantId: string, userId: string, step: number) =>
    db
      .updateTable('mfa_methods')
      .set({ last_used_step: String(step), last_used_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', 'totp')
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]),
      ),
  markUsed: (tenantId: string, userId: string, kind: MfaKind) =>
    db
      .updateTable('mfa_methods')
      .set({ last_used_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind),
  remove: (tenantId: string, userId: string, kind: MfaKind) =>
    db
      .deleteFrom('mfa_methods')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind),
  removeAll: (tenantId: string, userId: string) =>
    db.deleteFrom('mfa_methods').where('tenant_id', '=', tenantId).where('user_id', '=', userId),
  removeBackupCodes: (tenantId: string, userId: string) =>
    db
      .deleteFrom('mfa_backup_codes')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId),
  insertBackupCodes: (
    rows: { id: string; tenant_id: string; user_id: string; code_hash: string }[],
  ) => db.insertInto('mfa_backup_codes').values(rows),
  /** Spends a backup code: it matches once. */
  useBackupCode: (tenantId: string, userId: string, codeHash: string) =>
    db
      .updateTable('mfa_backup_codes')
      .set({ used_at: db.fn<Date>('now') })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null),
  backupCodesLeft: (tenantId: string, userId: string) =>
    db
      .selectFrom('mfa_backup_codes')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null),
};

@Injectable()
export class MfaMethodRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  methodsOf(tenantId: string, userId: string): Promise<MfaMethodRow[]> {
    return rowsOf(this.dataSource, statements.methodsOf(tenantId, userId));
  }

  /** Whether a pending method was stored (false: an active one of that kind exists). */
  async upsertPending(
    id: string,
    tenantId: string,
    userId: string,
    kind: MfaKind,
    secretSealed: string | null,
    destination: string | null,
  ): Promise<boolean> {
    const rows = await rowsOf(
      this.dataSource,
      statements.upsertPending(id, tenantId, userId, kind, secretSealed, destination),
    );
    return rows.length > 0;
  }

  async activate(
    tenantId: string,
    userId: string,
    kind: MfaKind,
    step: number | null,
  ): Promise<boolean> {
    return (
      (await affectedBy(this.dataSource, statements.activate(tenantId, userId, kind, step))) > 0
    );
  }

  async useStep(tenantId: string, userId: string, step: number): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.useStep(tenantId, userId, step))) > 0;
  }

  async markUsed(tenantId: string, userId: string, kind: MfaKind): Promise<void> {
    await affectedBy(this.dataSource, statements.markUsed(tenantId, userId, kind));
  }

  async remove(tenantId: string, userId: string, kind: MfaKind): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.remove(tenantId, userId, kind))) > 0;
  }

  /** Every method and backup code of a user, in one transaction. */
  async removeAll(tenantId: string, userId: string): Promise<void> {
    await inTransaction(this.dataSource, async ({ manager: tx }) => {
      await affectedBy(tx, statements.removeAll(tenantId, userId));
      await affectedBy(tx, statements.removeBackupCodes(tenantId, userId));
    });
  }

  /** Replaces a user's backup codes with these hashes, in one transaction. */
  async replaceBackupCodes(
    rows: { id: string; tenant_id: string; user_id: string; code_hash: string }[],
  ): Promise<void> {
    const { tenant_id: tenantId, user_id: userId } = rows[0];
    await inTransaction(this.dataSource, async ({ manager: tx }) => {
      await affectedBy(tx, statements.removeBackupCodes(tenantId, userId));
      await rowsOf(tx, statements.insertBackupCodes(rows));
    });
  }

  async useBackupCode(tenantId: string, userId: string, codeHash: string): Promise<boolean> {
    return (
      (await affectedBy(this.dataSource, statements.useBackupCode(tenantId, userId, codeHash))) > 0
    );
  }

  async backupCodesLeft(tenantId: string, userId: string): Promise<number> {
    const row = await firstOf(this.dataSource, statements.backupCodesLeft(tenantId, userId));
    return Number(row?.count ?? 0);
  }
}

export const mfaMethodStatements: StatementCatalog = {
  file: 'src/mfa/queries/mfa-method.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const user = '00000000-0000-0000-0000-0000000000b1';
    const id = '00000000-0000-0000-0000-0000000000d1';
    return [
      { name: 'methodsOf', statement: statements.methodsOf(tenant, user) },
      {
        name: 'upsertPending',
        statement: statements.upsertPending(id, tenant, user, 'totp', 'v1.sealed', null),
      },
      { name: 'activate', statement: statements.activate(tenant, user, 'totp', 59000000) },
      { name: 'useStep', statement: statements.useStep(tenant, user, 59000001) },
      { name: 'markUsed', statement: statements.markUsed(tenant, user, 'sms') },
      { name: 'remove', statement: statements.remove(tenant, user, 'sms') },
      { name: 'removeAll', statement: statements.removeAll(tenant, user) },
      { name: 'removeBackupCodes', statement: statements.removeBackupCodes(tenant, user) },
      {
        name: 'insertBackupCodes',
        statement: statements.insertBackupCodes([
          { id, tenant_id: tenant, user_id: user, code_hash: 'hash' },
        ]),
      },
      { name: 'useBackupCode', statement: statements.useBackupCode(tenant, user, 'hash') },
      { name: 'backupCodesLeft', statement: statements.backupCodesLeft(tenant, user) },
    ];
  },
};
