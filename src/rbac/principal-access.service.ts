import { Injectable } from '@nestjs/common';
import { DomainError, NotFound } from '#common';
import { UsersService } from '../identity/users.service';
import { canActOnPrincipal, PrincipalActor } from './principal-policy';
import { isBuiltInRole } from './permissions';
import { RbacService } from './rbac.service';

/** 403: the target holds permissions the actor does not; the target is left unchanged. */
export class PrincipalOutOfReach extends DomainError {
  constructor(what: string) {
    super(
      403,
      'forbidden-principal',
      'Forbidden',
      `You cannot act on ${what}: its principal holds permissions you do not hold.`,
    );
  }
}

/** A principal being acted on: a user, as seen from a tenant (a key names its owner). */
export interface PrincipalTarget {
  tenantId: string;
  userId: string;
}

/** What to answer when the rule refuses: 403, or 404 where the target must stay unseen. */
export type Refusal = { status: 403; what: string } | { status: 404; resource: string; id: string };

/**
 * Where every route that acts on a user, their keys, sessions or role assignments asks the
 * one rule (see principal-policy): it loads what the target principal holds and refuses an
 * actor who does not hold all of it.
 */
@Injectable()
export class PrincipalAccess {
  constructor(
    private readonly rbac: RbacService,
    private readonly users: UsersService,
  ) {}

  /**
   * Everything a user holds that matters in `tenantId`: their rights there and in their
   * home tenant (where a system administrator's platform rights live).
   */
  async permissionsOf(target: PrincipalTarget): Promise<ReadonlySet<string>> {
    const home = await this.users.homeTenantOf(target.userId);
    const here = await this.rbac.subject(target.tenantId, target.userId);
    if (!home || home === target.tenantId) return here.permissions;
    const atHome = await this.rbac.subject(home, target.userId);
    return new Set([...here.permissions, ...atHome.permissions]);
  }

  async canActOn(actor: PrincipalActor, target: PrincipalTarget): Promise<boolean> {
    return canActOnPrincipal(actor, await this.permissionsOf(target)).allowed;
  }

  /** The items whose principal (`userOf`) the actor may act on, as seen from `tenantId`. */
  async keepReachable<T>(
    actor: PrincipalActor,
    tenantId: string,
    items: readonly T[],
    userOf: (item: T) => string,
  ): Promise<T[]> {
    const reachable = new Set<string>();
    for (const userId of new Set(items.map(userOf)))
      if (await this.canActOn(actor, { tenantId, userId })) reachable.add(userId);
    return items.filter((item) => reachable.has(userOf(item)));
  }

  /**
   * For routes on a user of the current tenant (users, role assignments): 404 when there
   * is no such user here, 403 when the actor does not hold all the user holds.
   */
  async requireUser(actor: PrincipalActor, tenantId: string, userId: string): Promise<void> {
    await this.users.get(tenantId, userId);
    await this.require(actor, { tenantId, userId }, { status: 403, what: 'this user' });
  }

  /**
   * For changing or deleting a custom role, which acts on everyone holding it: 403 unless
   * the actor may act on each of its holders.
   */
  async requireRoleHolders(actor: PrincipalActor, tenantId: string, role: string): Promise<void> {
    if (isBuiltInRole(role)) return; // never changes: the service answers 409
    for (const userId of await this.rbac.holdersOf(tenantId, role))
      await this.require(
        actor,
        { tenantId, userId },
        { status: 403, what: 'a holder of this role' },
      );
  }

  /** Throws the refusal unless the actor holds every permission of the target. */
  async require(actor: PrincipalActor, target: PrincipalTarget, refusal: Refusal): Promise<void> {
    if (await this.canActOn(actor, target)) return;
    throw refusal.status === 404
      ? new NotFound(refusal.resource, refusal.id)
      : new PrincipalOutOfReach(refusal.what);
  }
}
