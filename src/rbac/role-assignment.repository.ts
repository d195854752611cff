import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { RoleAssignments } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type RoleAssignmentRow = Selectable<RoleAssignments>;
export type NewRoleAssignmentRow = Omit<RoleAssignmentRow, 'created_at'>;
export type AssignmentWindow = Pick<RoleAssignmentRow, 'role' | 'valid_from' | 'valid_until'>;

/** Every statement on `role_assignments`; each takes the tenant's id. */
const statements = {
  /** Assigns a role, or moves the validity window of the user's existing assignment of it. */
  upsert: (row: NewRoleAssignmentRow) =>
    db
      .insertInto('role_assignments')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'user_id', 'role']).doUpdateSet((eb) => ({
          valid_from: eb.ref('excluded.valid_from'),
          valid_until: eb.ref('excluded.valid_until'),
        })),
      )
      .returningAll(),
  windowsOfUser: (tenantId: string, userId: string) =>
    db
      .selectFrom('role_assignments')
      .select(['role', 'valid_from', 'valid_until'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId),
  /** The tenant's assignments, oldest first; only one user's when `userId` is given. */
  list: (tenantId: string, userId?: string) =>
    db
      .selectFrom('role_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId!))
      .orderBy('created_at')
      .orderBy('id'),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('role_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
  anyOfRole: (tenantId: string, role: string) =>
    db
      .selectFrom('role_assignments')
      .select(sql<number>`1`.as('found'))
      .where('tenant_id', '=', tenantId)
      .where('role', '=', role)
      .limit(1),
  deleteOfRole: (tenantId: string, role: string) =>
    db
      .deleteFrom('role_assignments')
      .where('tenant_id', '=', tenantId)
      .where('role', '=', role)
      .returning('user_id'),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('role_assignments').where('tenant_id', '=', tenantId).where('id', '=', id),
};

@Injectable()
export class RoleAssignmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsert(row: NewRoleAssignmentRow): Promise<RoleAssignmentRow> {
    return (await firstOf(this.dataSource, statements.upsert(row)))!;
  }

  /** The roles a user holds in a tenant with their validity windows. */
  windowsOfUser(tenantId: string, userId: string): Promise<AssignmentWindow[]> {
    return rowsOf(this.dataSource, statements.windowsOfUser(tenantId, userId));
  }

  list(tenantId: string, userId?: string): Promise<RoleAssignmentRow[]> {
    return rowsOf(this.dataSource, statements.list(tenantId, userId));
  }

  byId(tenantId: string, id: string): Promise<RoleAssignmentRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  /** Whether anyone in the tenant holds the role. */
  async anyOfRole(tenantId: string, role: string): Promise<boolean> {
    return (await firstOf(this.dataSource, statements.anyOfRole(tenantId, role))) !== undefined;
  }

  /** Removes every assignment of the role; the users who held it. */
  async deleteOfRole(tenantId: string, role: string): Promise<string[]> {
    const rows = await rowsOf(this.dataSource, statements.deleteOfRole(tenantId, role));
    return rows.map((r) => r.user_id);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await rowsOf(this.dataSource, statements.delete(tenantId, id));
  }
}

export const roleAssignmentStatements: StatementCatalog = {
  file: 'src/rbac/queries/role-assignment.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const id = '00000000-0000-0000-0000-0000000000e1';
    const user = '00000000-0000-0000-0000-0000000000b1';
    return [
      {
        name: 'upsert',
        statement: statements.upsert({
          id,
          tenant_id: tenant,
          user_id: user,
          role: 'operator',
          valid_from: null,
          valid_until: new Date('2026-01-01T00:00:00Z'),
          created_by: user,
        }),
      },
      { name: 'windowsOfUser', statement: statements.windowsOfUser(tenant, user) },
      { name: 'list', statement: statements.list(tenant) },
      { name: 'list of user', statement: statements.list(tenant, user) },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'anyOfRole', statement: statements.anyOfRole(tenant, 'system_admin') },
      { name: 'deleteOfRole', statement: statements.deleteOfRole(tenant, 'auditor') },
      { name: 'delete', statement: statements.delete(tenant, id) },
    ];
  },
};
