import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { Roles } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type RoleRow = Pick<Selectable<Roles>, 'name' | 'description' | 'permissions' | 'inherits'>;

export interface NewRoleRow extends RoleRow {
  id: string;
  tenant_id: string;
}

/** Every statement on `roles` (a tenant's custom roles); each takes the tenant's id. */
const statements = {
  insert: (row: NewRoleRow) =>
    db
      .insertInto('roles')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .returning('name'),
  ofTenant: (tenantId: string) =>
    db
      .selectFrom('roles')
      .select(['name', 'description', 'permissions', 'inherits'])
      .where('tenant_id', '=', tenantId)
      .orderBy('name'),
  update: (tenantId: string, changes: Omit<RoleRow, 'name'> & { name: string }) =>
    db
      .updateTable('roles')
      .set({
        description: changes.description,
        permissions: changes.permissions,
        inherits: changes.inherits,
        updated_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('name', '=', changes.name),
  delete: (tenantId: string, name: string) =>
    db.deleteFrom('roles').where('tenant_id', '=', tenantId).where('name', '=', name),
};

@Injectable()
export class RoleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the role was created (false when the tenant has one of that name). */
  async insert(row: NewRoleRow): Promise<boolean> {
    return (await firstOf(this.dataSource, statements.insert(row))) !== undefined;
  }

  /** The tenant's custom roles by name. */
  ofTenant(tenantId: string): Promise<RoleRow[]> {
    return rowsOf(this.dataSource, statements.ofTenant(tenantId));
  }

  async update(tenantId: string, role: RoleRow): Promise<void> {
    await rowsOf(this.dataSource, statements.update(tenantId, role));
  }

  async delete(tenantId: string, name: string): Promise<void> {
    await rowsOf(this.dataSource, statements.delete(tenantId, name));
  }
}

export const roleStatements: StatementCatalog = {
  file: 'src/rbac/queries/role.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const role = {
      name: 'auditor',
      description: 'reads everything',
      permissions: ['goals:read'],
      inherits: ['viewer'],
    };
    return [
      {
        name: 'insert',
        statement: statements.insert({
          id: '00000000-0000-0000-0000-0000000000d1',
          tenant_id: tenant,
          ...role,
        }),
      },
      { name: 'ofTenant', statement: statements.ofTenant(tenant) },
      { name: 'update', statement: statements.update(tenant, role) },
      { name: 'delete', statement: statements.delete(tenant, 'auditor') },
    ];
  },
};
