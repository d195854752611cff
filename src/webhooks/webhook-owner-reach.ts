import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../access/access-context';
import { PrincipalAccess } from '../rbac/principal-access.service';
import { WebhookEndpoints } from './webhook-endpoints.service';

/**
 * An endpoint receives its owner's events under a secret its owner holds, so changing,
 * pausing, resuming, rotating or deleting it is acting on that owner: only for callers who
 * hold every permission the owner holds (else 403 forbidden-principal). Reading it is not.
 */
@Injectable()
export class WebhookOwnerReach {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly principals: PrincipalAccess,
  ) {}

  /** 404 when there is no such endpoint in the tenant, 403 when its owner is out of reach. */
  async require(caller: AccessContext, id: string): Promise<void> {
    const { owner_id: ownerId } = await this.endpoints.get(caller.tenantId, id);
    if (ownerId)
      await this.principals.require(
        caller,
        { tenantId: caller.tenantId, userId: ownerId },
        { status: 403, what: 'this endpoint' },
      );
  }
}
