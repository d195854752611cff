import { Audit } from '../access/audit.decorator';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ValidationFailed } from '#common';
import type { AccessContext } from '../access/access-context';
import { Caller, RequireElevated, RequirePermission } from '../access/decorators';
import { PrincipalAccess } from '../rbac/principal-access.service';
import { heldPermissions } from '../rbac/principal-policy';
import { ApiKey, ApiKeysService } from './api-keys.service';
import { ApiKeyDto, ApiKeyListDto, ApiKeyWithSecretDto, CreateApiKeyDto } from './dto/api-key.dto';

const uuid = new UuidParamPipe();

/**
 * Callers without api-key:manage see and act on their own keys only; nobody sees or acts on
 * the keys of a principal who holds permissions they do not hold. Both answer 404.
 */
const ownerFilter = (caller: AccessContext) =>
  heldPermissions(caller).has('api-key:manage') ? undefined : caller.userId;

@ApiTags('api-keys')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly principals: PrincipalAccess,
  ) {}

  /** The key, when the caller may see it and act on its owner (else 404). */
  private async reachableKey(caller: AccessContext, id: string): Promise<ApiKey> {
    const key = await this.keys.get(caller.tenantId, id, ownerFilter(caller));
    await this.principals.require(
      caller,
      { tenantId: key.tenantId, userId: key.ownerUserId },
      { status: 404, resource: 'api-key', id },
    );
    return key;
  }

  @Post()
  @RequirePermission('api-key:create', 'api-key')
  @RequireElevated()
  @ApiOperation({
    summary: 'Create an API key for yourself; the plaintext key is returned once',
    description: 'Every scope must be backed by a permission you hold (otherwise 400 on `scopes`).',
  })
  @ApiCreatedResponse({ type: ApiKeyWithSecretDto })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: CreateApiKeyDto,
  ): Promise<ApiKeyWithSecretDto> {
    const type = body.type ?? 'personal';
    // judged by what the calling key's scopes cover: a key confined to its tenant must not
    // mint an admin key, which a platform administrator's may take into any tenant
    if (
      (type === 'admin' || body.scopes.includes('admin:full')) &&
      !heldPermissions(caller).has('admin:access')
    )
      throw new ValidationFailed([
        { field: type === 'admin' ? 'type' : 'scopes', message: 'requires administrator rights' },
      ]);
    const { key, plaintext } = await this.keys.create(caller.tenantId, caller.userId, {
      name: body.name,
      type,
      scopes: body.scopes,
      creatorPermissions: heldPermissions(caller),
      expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
      rateLimits: {
        ...(body.rate_limits?.per_minute ? { perMinute: body.rate_limits.per_minute } : {}),
        ...(body.rate_limits?.per_hour ? { perHour: body.rate_limits.per_hour } : {}),
        ...(body.rate_limits?.per_day ? { perDay: body.rate_limits.per_day } : {}),
        ...(body.rate_limits?.burst ? { burst: body.rate_limits.burst } : {}),
      },
      allowedIps: body.allowed_ips,
      allowedCidrs: body.allowed_cidrs,
      blockedIps: body.blocked_ips,
    });
    return { ...ApiKeyDto.from(key), key: plaintext };
  }

  @Audit({ resource: 'api-key' })
  @Get()
  @RequirePermission('api-key:read', 'api-key')
  @ApiOperation({
    summary: 'API keys of the tenant (yours only without api-key:manage)',
    description: 'Leaves out the keys of users who hold permissions you do not hold.',
  })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(@Caller() caller: AccessContext): Promise<ApiKeyListDto> {
    const keys = await this.keys.list(caller.tenantId, ownerFilter(caller));
    const visible = await this.principals.keepReachable(
      caller,
      caller.tenantId,
      keys,
      (k) => k.ownerUserId,
    );
    return { items: visible.map(ApiKeyDto.from) };
  }

  @Audit({ resource: 'api-key' })
  @Get(':id')
  @RequirePermission('api-key:read', 'api-key', 'id')
  @ApiOperation({ summary: 'An API key (never its secret)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'No such key' })
  async get(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.reachableKey(caller, id));
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @RequirePermission('api-key:rotate', 'api-key', 'id')
  @RequireElevated()
  @ApiOperation({
    summary:
      'Replace the secret; the new plaintext key is returned once, the old one stops working',
  })
  @ApiOkResponse({ type: ApiKeyWithSecretDto })
  @ApiNotFoundResponse({ description: 'No such key' })
  async rotate(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<ApiKeyWithSecretDto> {
    const current = await this.reachableKey(caller, id);
    const ownerPermissions = await this.principals.permissionsOf({
      tenantId: current.tenantId,
      userId: current.ownerUserId,
    });
    const { key, plaintext } = await this.keys.rotate(
      caller.tenantId,
      id,
      ownerPermissions,
      ownerFilter(caller),
    );
    return { ...ApiKeyDto.from(key), key: plaintext };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @RequirePermission('api-key:revoke', 'api-key', 'id')
  @ApiOperation({ summary: 'Revoke a key (kept for the record)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'No such key' })
  async revoke(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<ApiKeyDto> {
    await this.reachableKey(caller, id);
    return ApiKeyDto.from(await this.keys.revoke(caller.tenantId, id, ownerFilter(caller)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('api-key:delete', 'api-key', 'id')
  @ApiOperation({ summary: 'Delete a key' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such key' })
  async delete(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    await this.reachableKey(caller, id);
    await this.keys.delete(caller.tenantId, id, ownerFilter(caller));
  }
}
