import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../database/query-builder';
import type { Users } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import { atomically } from '../common/ambient-transaction';

export type UserRow = Selectable<Users>;

export interface NewUserRow {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
}

export interface UserChanges {
  display_name: string;
  status: string;
  password_hash: string | null;
  /** A new password also clears the failed logins and any lockout. */
  passwordChanged: boolean;
}

/**
 * Every statement on `users`; each takes the tenant's id but `homeTenantOf` and `stateOf`,
 * which find the tenant of a user an authenticated credential names.
 */
const statements = {
  insert: (row: NewUserRow) =>
    db
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
      .returningAll(),
  byId: (tenantId: string, id: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id),
  byEmail: (tenantId: string, email: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('email', '=', email),
  homeTenantOf: (id: string) => db.selectFrom('users').select('tenant_id').where('id', '=', id),
  stateOf: (id: string) =>
    db.selectFrom('users').select(['tenant_id', 'status']).where('id', '=', id),
  page: (tenantId: string, limit: number, offset: number) =>
    db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .offset(offset),
  count: (tenantId: string) =>
    db
      .selectFrom('users')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('tenant_id', '=', tenantId),
  update: (tenantId: string, id: string, changes: UserChanges) =>
    db
      .updateTable('users')
      .set({
        display_name: changes.display_name,
        status: changes.status,
        password_hash: changes.password_hash,
        ...(changes.passwordChanged ? { failed_login_count: 0, locked_until: null } : {}),
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id),
  /** Counts a sign-in attempt unless the user is locked; returns the new count. */
  countLoginAttempt: (tenantId: string, id: string) =>
    db
      .updateTable('users')
      .set((eb) => ({ failed_login_count: eb('failed_login_count', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', db.fn<Date>('now'))]),
      )
      .returning('failed_login_count'),
  lockLogin: (tenantId: string, id: string, lockedUntil: Date) =>
    db
      .updateTable('users')
      .set({ locked_until: lockedUntil })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  clearLoginFailures: (tenantId: string, id: string) =>
    db
      .updateTable('users')
      .set({ failed_login_count: 0, locked_until: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  recordLoginSuccess: (tenantId: string, id: string) =>
    db
      .updateTable('users')
      .set({ failed_login_count: 0, locked_until: null, last_login_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
};

@Injectable()
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` as one transaction: a change and the events reporting it commit together. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return atomically(this.dataSource, work);
  }

  /** The new row, or undefined when the email is taken in the tenant. */
  insert(row: NewUserRow): Promise<UserRow | undefined> {
    return firstOf(this.dataSource, statements.insert(row));
  }

  byId(tenantId: string, id: string): Promise<UserRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  byEmail(tenantId: string, email: string): Promise<UserRow | undefined> {
    return firstOf(this.dataSource, statements.byEmail(tenantId, email));
  }

  async homeTenantOf(id: string): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.homeTenantOf(id)))?.tenant_id;
  }

  /** The user's tenant and status, whichever tenant asks. */
  stateOf(id: string): Promise<Pick<UserRow, 'tenant_id' | 'status'> | undefined> {
    return firstOf(this.dataSource, statements.stateOf(id));
  }

  page(tenantId: string, limit: number, offset: number): Promise<UserRow[]> {
    return rowsOf(this.dataSource, statements.page(tenantId, limit, offset));
  }

  async count(tenantId: string): Promise<number> {
    return (await firstOf(this.dataSource, statements.count(tenantId)))?.count ?? 0;
  }

  update(tenantId: string, id: string, changes: UserChanges): Promise<UserRow | undefined> {
    return firstOf(this.dataSource, statements.update(tenantId, id, changes));
  }

  /** How many rows went (0 or 1). */
  delete(tenantId: string, id: string): Promise<number> {
    return affectedBy(this.dataSource, statements.delete(tenantId, id));
  }

  /** The user's failure count with this attempt, or undefined while the user is locked. */
  async countLoginAttempt(tenantId: string, id: string): Promise<number | undefined> {
    return (await firstOf(this.dataSource, statements.countLoginAttempt(tenantId, id)))
      ?.failed_login_count;
  }

  async lockLogin(tenantId: string, id: string, lockedUntil: Date): Promise<void> {
    await rowsOf(this.dataSource, statements.lockLogin(tenantId, id, lockedUntil));
  }

  async clearLoginFailures(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.clearLoginFailures(tenantId, id));
  }

  async recordLoginSuccess(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.recordLoginSuccess(tenantId, id));
  }
}

export const userStatements: StatementCatalog = {
  file: 'src/identity/queries/user.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const id = '00000000-0000-0000-0000-0000000000b1';
    const changes = {
      display_name: 'Ada',
      status: 'active',
      password_hash: 'hash',
      passwordChanged: false,
    };
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id,
          tenant_id: tenant,
          email: 'ada@example.com',
          display_name: 'Ada',
          password_hash: null,
        }),
      },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'byEmail', statement: statements.byEmail(tenant, 'ada@example.com') },
      { name: 'homeTenantOf', statement: statements.homeTenantOf(id) },
      { name: 'stateOf', statement: statements.stateOf(id) },
      { name: 'page', statement: statements.page(tenant, 50, 0) },
      { name: 'count', statement: statements.count(tenant) },
      { name: 'update', statement: statements.update(tenant, id, changes) },
      {
        name: 'update with a new password',
        statement: statements.update(tenant, id, { ...changes, passwordChanged: true }),
      },
      { name: 'delete', statement: statements.delete(tenant, id) },
      { name: 'countLoginAttempt', statement: statements.countLoginAttempt(tenant, id) },
      {
        name: 'lockLogin',
        statement: statements.lockLogin(tenant, id, new Date('2026-01-01T00:00:00Z')),
      },
      { name: 'clearLoginFailures', statement: statements.clearLoginFailures(tenant, id) },
      { name: 'recordLoginSuccess', statement: statements.recordLoginSuccess(tenant, id) },
    ];
  },
};
