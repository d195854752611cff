import { Inject, Injectable } from '@nestjs/common';
import { Conflict, NotFound, TtlCache, uuidv7, ValidationFailed } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import { recordChange } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { SessionsService } from '../sessions/sessions.service';
import {
  BUILT_IN_ROLES,
  BUILT_IN_ROLE_NAMES,
  effectivePermissions,
  inheritanceClosure,
  isBuiltInRole,
  isPermission,
  RoleDefinition,
} from './permissions';
import { RoleAssignmentRepository, type RoleAssignmentRow } from './role-assignment.repository';
import { RoleRepository } from './role.repository';

export interface RoleAssignment {
  id: string;
  tenantId: string;
  userId: string;
  role: string;
  validFrom: Date | null;
  validUntil: Date | null;
  createdBy: string | null;
  createdAt: Date;
}

const toAssignment = (r: RoleAssignmentRow): RoleAssignment => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  role: r.role,
  validFrom: r.valid_from ? new Date(r.valid_from) : null,
  validUntil: r.valid_until ? new Date(r.valid_until) : null,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
});

export interface Subject {
  roles: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
}

/**
 * Roles (built-in and custom per tenant), tenant-scoped assignments with validity windows,
 * and the effective permissions of a user in a tenant, cached with a TTL and dropped on
 * every change.
 */
@Injectable()
export class RbacService {
  private readonly subjects: TtlCache<string, Subject>;
  private readonly customRoles: TtlCache<string, Map<string, RoleDefinition>>;

  constructor(
    private readonly roles: RoleRepository,
    private readonly assignments: RoleAssignmentRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.subjects = new TtlCache(config.PERMISSION_CACHE_TTL_MS, 50_000);
    this.customRoles = new TtlCache(config.PERMISSION_CACHE_TTL_MS, 10_000);
    accessInvalidation.on('user', (tenantId: string, userId: string) =>
      this.subjects.deleteWhere((k) => k.endsWith(`:${userId}`) && tenantId.length > 0),
    );
    accessInvalidation.on('tenant', (tenantId: string) => {
      this.subjects.deleteWhere((k) => k.startsWith(`${tenantId}:`));
      this.customRoles.delete(tenantId);
    });
  }

  /** The roles and permissions a user holds in a tenant right now (cached). */
  async subject(tenantId: string, userId: string, now = new Date()): Promise<Subject> {
    const key = `${tenantId}:${userId}`;
    const cached = this.subjects.get(key);
    if (cached) return cached;
    const rows = await this.assignments.windowsOfUser(tenantId, userId);
    const active = rows.filter(
      (r) =>
        (!r.valid_from || new Date(r.valid_from) <= now) &&
        (!r.valid_until || new Date(r.valid_until) > now),
    );
    const custom = await this.customRoleMap(tenantId);
    const roles = new Set(active.map((r) => r.role));
    const subject: Subject = {
      roles,
      permissions: effectivePermissions(roles, (n) => custom.get(n)),
    };
    // A validity window that opens or closes before the TTL ends must not be cached past it.
    const nextEdge = rows
      .flatMap((r) => [r.valid_from, r.valid_until])
      .filter((d): d is Date => !!d)
      .map((d) => new Date(d).getTime())
      .filter((t) => t > now.getTime())
      .sort((a, b) => a - b)[0];
    if (nextEdge === undefined) this.subjects.set(key, subject);
    return subject;
  }

  /** Whether a user is a platform administrator (system_admin in their home tenant). */
  async isSystemAdmin(homeTenantId: string, userId: string): Promise<boolean> {
    return (await this.subject(homeTenantId, userId)).roles.has('system_admin');
  }

  /** Whether anyone holds the role in the tenant. */
  async isHeldByAnyone(tenantId: string, role: string): Promise<boolean> {
    return this.assignments.anyOfRole(tenantId, role);
  }

  // --- roles -----------------------------------------------------------------------------

  async listRoles(tenantId: string): Promise<RoleDefinition[]> {
    const custom = await this.customRoleMap(tenantId);
    return [...BUILT_IN_ROLE_NAMES.map((n) => BUILT_IN_ROLES[n]), ...custom.values()];
  }

  async getRole(tenantId: string, name: string): Promise<RoleDefinition> {
    if (isBuiltInRole(name)) return BUILT_IN_ROLES[name];
    const role = (await this.customRoleMap(tenantId)).get(name);
    if (!role) throw new NotFound('role', name);
    return role;
  }

  async createRole(
    tenantId: string,
    input: { name: string; description?: string; permissions: string[]; inherits: string[] },
    granter: ReadonlySet<string>,
  ): Promise<RoleDefinition> {
    if (isBuiltInRole(input.name))
      throw new Conflict('role-exists', 'Role exists', `${input.name} is a built-in role.`);
    await this.validateRole(tenantId, input.name, input.permissions, input.inherits, granter);
    const created = await this.roles.insert({
      id: uuidv7(),
      tenant_id: tenantId,
      name: input.name,
      description: input.description ?? '',
      permissions: input.permissions,
      inherits: input.inherits,
    });
    if (!created) throw new Conflict('role-exists', 'Role exists', `A role ${input.name} exists.`);
    await accessInvalidation.tenantChanged(tenantId);
    return this.getRole(tenantId, input.name);
  }

  async updateRole(
    tenantId: string,
    name: string,
    changes: { description?: string; permissions?: string[]; inherits?: string[] },
    granter: ReadonlySet<string>,
  ): Promise<RoleDefinition> {
    if (isBuiltInRole(name))
      throw new Conflict(
        'built-in-role',
        'Built-in role',
        `The built-in role ${name} cannot change.`,
      );
    const current = await this.getRole(tenantId, name);
    await this.requireHeldRole(tenantId, name, granter);
    const permissions = changes.permissions ?? [...current.permissions];
    const inherits = changes.inherits ?? [...current.inherits];
    await this.validateRole(tenantId, name, permissions, inherits, granter);
    await this.roles.update(tenantId, {
      name,
      description: changes.description ?? current.description,
      permissions,
      inherits,
    });
    recordChange('permissions', [...current.permissions].sort(), [...permissions].sort());
    if (changes.inherits) recordChange('inherits', [...current.inherits], [...inherits]);
    await accessInvalidation.tenantChanged(tenantId);
    return this.getRole(tenantId, name);
  }

  /** Deletes a custom role and its assignments; its holders' sessions end. */
  async deleteRole(tenantId: string, name: string, granter: ReadonlySet<string>): Promise<void> {
    if (isBuiltInRole(name))
      throw new Conflict(
        'built-in-role',
        'Built-in role',
        `The built-in role ${name} cannot be deleted.`,
      );
    await this.getRole(tenantId, name);
    await this.requireHeldRole(tenantId, name, granter);
    const custom = await this.customRoleMap(tenantId);
    const dependants = [...custom.values()].filter((r) => r.inherits.includes(name));
    if (dependants.length)
      throw new Conflict(
        'role-in-use',
        'Role in use',
        `Roles ${dependants.map((r) => r.name).join(', ')} inherit ${name}.`,
      );
    const removed = await this.assignments.deleteOfRole(tenantId, name);
    await this.roles.delete(tenantId, name);
    await accessInvalidation.tenantChanged(tenantId);
    const holders = new Set(removed);
    for (const userId of holders) await this.sessions.endAllFor(tenantId, userId);
  }

  // --- assignments ---------------------------------------------------------------------

  async assign(
    tenantId: string,
    input: { userId: string; role: string; validFrom?: Date; validUntil?: Date },
    granter: ReadonlySet<string>,
    createdBy: string,
  ): Promise<RoleAssignment> {
    await this.users.get(tenantId, input.userId); // another tenant's user: 404
    const role = await this.getRole(tenantId, input.role).catch(() => {
      throw new ValidationFailed([
        { field: 'role', message: `no role ${input.role} in this tenant` },
      ]);
    });
    const custom = await this.customRoleMap(tenantId);
    this.requireGrantable(
      effectivePermissions([role.name], (n) => custom.get(n)),
      granter,
      'role',
    );
    if (input.validFrom && input.validUntil && input.validUntil <= input.validFrom)
      throw new ValidationFailed([{ field: 'valid_until', message: 'must be after valid_from' }]);
    // an ended window grants nothing; on an existing assignment it would take the role away
    // through the wrong door, without the revocation's end of the user's sessions
    if (input.validUntil && input.validUntil.getTime() <= Date.now())
      throw new ValidationFailed([{ field: 'valid_until', message: 'must be in the future' }]);
    const row = await this.assignments.upsert({
      id: uuidv7(),
      tenant_id: tenantId,
      user_id: input.userId,
      role: role.name,
      valid_from: input.validFrom ?? null,
      valid_until: input.validUntil ?? null,
      created_by: createdBy,
    });
    await accessInvalidation.userChanged(tenantId, input.userId);
    return toAssignment(row);
  }

  /**
   * The users a change to the role reaches: those assigned it, or a custom role inheriting
   * it, in a window that has not ended (a future one carries the change when it opens).
   */
  async holdersOf(tenantId: string, name: string, now = new Date()): Promise<string[]> {
    const custom = await this.customRoleMap(tenantId);
    const rows = await this.assignments.list(tenantId);
    const reaching = rows.filter(
      (r) =>
        (!r.valid_until || new Date(r.valid_until) > now) &&
        inheritanceClosure(r.role, (n) => custom.get(n)).has(name),
    );
    return [...new Set(reaching.map((r) => r.user_id))];
  }

  async listAssignments(tenantId: string, userId?: string): Promise<RoleAssignment[]> {
    const rows = await this.assignments.list(tenantId, userId);
    return rows.map(toAssignment);
  }

  async getAssignment(tenantId: string, id: string): Promise<RoleAssignment> {
    const row = await this.assignments.byId(tenantId, id);
    if (!row) throw new NotFound('role-assignment', id);
    return toAssignment(row);
  }

  /** Removes a role from a user, which ends the user's sessions at once. */
  async revokeAssignment(
    tenantId: string,
    id: string,
    granter: ReadonlySet<string>,
  ): Promise<void> {
    const assignment = await this.getAssignment(tenantId, id);
    const custom = await this.customRoleMap(tenantId);
    this.requireGrantable(
      effectivePermissions([assignment.role], (n) => custom.get(n)),
      granter,
      'role',
    );
    await this.assignments.delete(tenantId, id);
    await this.sessions.endAllFor(tenantId, assignment.userId);
  }

  // --- internals -------------------------------------------------------------------------

  private async customRoleMap(tenantId: string): Promise<Map<string, RoleDefinition>> {
    const cached = this.customRoles.get(tenantId);
    if (cached) return cached;
    const rows = await this.roles.ofTenant(tenantId);
    const map = new Map(
      rows.map((r) => [
        r.name,
        {
          name: r.name,
          description: r.description,
          permissions: r.permissions,
          inherits: r.inherits,
          builtIn: false,
        },
      ]),
    );
    this.customRoles.set(tenantId, map);
    return map;
  }

  private async validateRole(
    tenantId: string,
    name: string,
    permissions: string[],
    inherits: string[],
    granter: ReadonlySet<string>,
  ): Promise<void> {
    const errors = [];
    const unknown = permissions.filter((p) => !isPermission(p));
    if (unknown.length)
      errors.push({ field: 'permissions', message: `unknown permissions: ${unknown.join(', ')}` });
    const custom = await this.customRoleMap(tenantId);
    const missing = inherits.filter((r) => !isBuiltInRole(r) && !custom.has(r));
    if (missing.length)
      errors.push({ field: 'inherits', message: `unknown roles: ${missing.join(', ')}` });
    const lookup = (n: string) =>
      n === name ? { name, description: '', permissions, inherits, builtIn: false } : custom.get(n);
    if (inherits.some((parent) => inheritanceClosure(parent, lookup).has(name)))
      errors.push({ field: 'inherits', message: 'inheritance must not form a cycle' });
    if (errors.length) throw new ValidationFailed(errors);
    this.requireGrantable(effectivePermissions([name], lookup), granter, 'permissions');
  }

  /** Changing or deleting a role acts on its holders: only for those who hold all of it. */
  private async requireHeldRole(
    tenantId: string,
    name: string,
    granter: ReadonlySet<string>,
  ): Promise<void> {
    const custom = await this.customRoleMap(tenantId);
    this.requireGrantable(
      effectivePermissions([name], (n) => custom.get(n)),
      granter,
      'name',
      'the role holds permissions you do not hold',
    );
  }

  /** Nobody grants what they do not hold (no escalation through roles). */
  private requireGrantable(
    wanted: Set<string>,
    granter: ReadonlySet<string>,
    field: string,
    problem = 'grants permissions you do not hold',
  ): void {
    const excess = [...wanted].filter((p) => !granter.has(p));
    if (excess.length)
      throw new ValidationFailed([{ field, message: `${problem}: ${excess.sort().join(', ')}` }]);
  }
}
