import { Injectable } from '@nestjs/common';
import { GoalPauses } from '../governor/goal-pauses.service';
import { securityEvents, type SecurityEventType } from '../observability/security-events';
import type { TenantAction } from '../tenancy/tenant-lifecycle';
import { type Tenant, TenantsService } from '../tenancy/tenants.service';

const EVENT_OF: Record<TenantAction, SecurityEventType> = {
  approve: 'tenant.approved',
  suspend: 'tenant.suspended',
  activate: 'tenant.activated',
  delete: 'tenant.deleted',
};

/**
 * The lifecycle moves with what they do to the tenant's work: a suspension (or deletion)
 * pauses its unfinished goals, an activation resumes them where they waited.
 */
@Injectable()
export class TenantLifecycle {
  constructor(
    private readonly tenants: TenantsService,
    private readonly pauses: GoalPauses,
  ) {}

  async apply(
    tenantId: string,
    action: TenantAction,
    reason: string | null,
    actor: { userId: string; tenantId: string },
  ): Promise<Tenant> {
    // the goals move in the transaction of the tenant's move: a concurrent opposite move
    // waits for it, so the goals never stay paused in an active tenant (or running in a
    // suspended one)
    return this.tenants.atomically(async () => {
      const changed = await this.tenants.transition(tenantId, action, reason);
      securityEvents.publish({
        type: EVENT_OF[action],
        // recorded where the administrator acted; the tenant acted on is in the details
        tenantId: actor.tenantId,
        actorId: actor.userId,
        details: { tenant_id: tenantId, status: changed.status, ...(reason ? { reason } : {}) },
      });
      if (action === 'suspend' || action === 'delete')
        await this.pauses.pauseTenant(tenantId, `tenant ${changed.status.toLowerCase()}`);
      else if (action === 'activate') await this.pauses.resumeTenant(tenantId);
      return changed;
    });
  }
}
