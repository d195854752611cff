import { Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed } from '#common';
import type { AccessContext } from '../access/access-context';
import { ApiKeyDto, type ApiKeyWithSecretDto } from '../apikeys/dto/api-key.dto';
import { ApiKeysService } from '../apikeys/api-keys.service';
import { UsersService } from '../identity/users.service';
import { securityEvents } from '../observability/security-events';
import { effectivePermissions } from '../rbac/permissions';
import { heldPermissions } from '../rbac/principal-policy';
import { RbacService } from '../rbac/rbac.service';
import { type Tenant, TenantsService } from '../tenancy/tenants.service';
import type { TenantTier } from '../tenancy/tiers';
import type { CreateTenantDto } from './dto/tenant.dto';
import type { CreateTenantApiKeyDto } from './dto/tenant-api-key.dto';

/** What a platform administrator does to a tenant besides its lifecycle. */
@Injectable()
export class TenantAdministration {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    private readonly keys: ApiKeysService,
  ) {}

  /** The tenant, and with an owner email its first administrator (who signs in once given a password or SSO). */
  async create(caller: AccessContext, body: CreateTenantDto): Promise<Tenant> {
    // the owner becomes tenant_admin: refused before anything is stored, not after the tenant is
    if (body.owner_email) {
      const held = heldPermissions(caller);
      const excess = [...effectivePermissions(['tenant_admin'])].filter((p) => !held.has(p));
      if (excess.length)
        throw new ValidationFailed([
          {
            field: 'owner_email',
            message: `the owner's tenant_admin role grants permissions you do not hold: ${excess.sort().join(', ')}`,
          },
        ]);
    }
    const tenant = await this.tenants.create({
      slug: body.slug,
      name: body.name,
      tier: body.tier,
      status: body.status,
      ownerEmail: body.owner_email,
      config: body.config,
      quotaOverrides: body.quotas,
    });
    if (body.owner_email) {
      const owner = await this.users.create(tenant.id, {
        email: body.owner_email,
        displayName: body.owner_email,
      });
      await this.rbac.assign(
        tenant.id,
        { userId: owner.id, role: 'tenant_admin' },
        heldPermissions(caller),
        caller.userId,
      );
    }
    return tenant;
  }

  async changeTier(caller: AccessContext, tenantId: string, tier: TenantTier): Promise<Tenant> {
    const before = await this.tenants.get(tenantId);
    return this.tenants.atomically(async () => {
      const tenant = await this.tenants.update(tenantId, { tier });
      securityEvents.publish({
        type: 'tenant.tier_changed',
        tenantId: caller.tenantId,
        actorId: caller.userId,
        details: { tenant_id: tenantId, from: before.tier, to: tier },
      });
      return tenant;
    });
  }

  /** A tenant key owned by the tenant's owner; its scopes must be backed by the owner's rights. */
  async createKey(
    caller: AccessContext,
    tenantId: string,
    body: CreateTenantApiKeyDto,
  ): Promise<ApiKeyWithSecretDto> {
    const tenant = await this.tenants.get(tenantId);
    // its data waits for the purge: nothing new is made in it (nor could act in it)
    if (tenant.status === 'DELETED')
      throw new Conflict(
        'tenant-status-conflict',
        'Not possible in this status',
        `Tenant ${tenantId} is DELETED; it gets no new keys.`,
        { tenant_status: tenant.status },
      );
    const owner = tenant.ownerEmail
      ? await this.users.findByEmail(tenant.id, tenant.ownerEmail)
      : undefined;
    if (!owner)
      throw new Conflict(
        'tenant-has-no-owner',
        'Tenant has no owner',
        `Tenant ${tenantId} has no owner user to hold the key; set owner_email when creating it.`,
      );
    const ownerRights = (await this.rbac.subject(tenant.id, owner.id)).permissions;
    const callerRights = heldPermissions(caller);
    const { key, plaintext } = await this.keys.create(tenant.id, owner.id, {
      name: body.name,
      type: 'tenant',
      scopes: body.scopes,
      creatorPermissions: new Set([...ownerRights].filter((p) => callerRights.has(p))),
      expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
    });
    return { ...ApiKeyDto.from(key), key: plaintext };
  }
}
