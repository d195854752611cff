import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../../access/access-context';
import { Audit } from '../../access/audit.decorator';
import { Caller, RequireElevated, RequirePermission } from '../../access/decorators';
import { PrincipalAccess } from '../../rbac/principal-access.service';
import { heldPermissions } from '../../rbac/principal-policy';
import {
  CreateOAuthClientDto,
  ListOAuthClientsQuery,
  OAuthClientDto,
  OAuthClientPageDto,
  OAuthClientWithSecretDto,
  UpdateOAuthClientDto,
} from './dto/oauth-client.dto';
import { ClientActor, OAuthClientsService } from './oauth-clients.service';

/** Only tenant administrators make a client first-party (skip_consent) or change one. */
const actorOf = (caller: AccessContext): ClientActor => ({
  mayManageFirstParty: heldPermissions(caller).has('admin:access'),
});

const FIRST_PARTY_403 =
  'skip_consent without admin:access, or a change to a client that skips consent, or a ' +
  'client whose owner holds permissions the caller does not (forbidden-principal)';

/**
 * The OAuth 2.0 / OpenID Connect clients registered in the caller's tenant. Another
 * tenant's clients answer 404, as clients that do not exist do.
 */
@ApiTags('oauth-clients')
@Controller('api/v1/oauth/clients')
export class OAuthClientsController {
  constructor(
    private readonly clients: OAuthClientsService,
    private readonly principals: PrincipalAccess,
  ) {}

  /**
   * A client's client-credentials tokens act for its owner, so changing, rotating or
   * deleting it is acting on that owner: only for callers who hold all the owner holds.
   */
  private async requireOwnerInReach(caller: AccessContext, clientId: string): Promise<void> {
    const { ownerUserId } = await this.clients.get(caller.tenantId, clientId);
    if (ownerUserId)
      await this.principals.require(
        caller,
        { tenantId: caller.tenantId, userId: ownerUserId },
        { status: 403, what: 'this client' },
      );
  }

  @Post()
  @RequirePermission('oauth-client:create', 'oauth-client')
  @RequireElevated()
  @ApiOperation({
    summary: 'Register an OAuth client; a confidential client gets its secret once',
    description:
      'The client belongs to the current tenant and is owned by the caller. Only the ' +
      "secret's hash is stored: the client_secret in this answer is never shown again.",
  })
  @ApiCreatedResponse({ type: OAuthClientWithSecretDto })
  @ApiForbiddenResponse({ description: FIRST_PARTY_403 })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: CreateOAuthClientDto,
  ): Promise<OAuthClientWithSecretDto> {
    const { client, secret } = await this.clients.create(
      caller.tenantId,
      caller.userId,
      {
        name: body.name,
        clientType: body.client_type,
        redirectUris: body.redirect_uris,
        postLogoutRedirectUris: body.post_logout_redirect_uris,
        grantTypes: body.grant_types,
        scopes: body.scopes,
        authMethod: body.token_endpoint_auth_method,
        skipConsent: body.skip_consent,
      },
      actorOf(caller),
    );
    return { ...OAuthClientDto.from(client), ...(secret ? { client_secret: secret } : {}) };
  }

  @Audit({ resource: 'oauth-client' })
  @Get()
  @RequirePermission('oauth-client:read', 'oauth-client')
  @ApiOperation({ summary: "The tenant's OAuth clients, newest first (never their secrets)" })
  @ApiOkResponse({ type: OAuthClientPageDto })
  async list(
    @Caller() caller: AccessContext,
    @Query() query: ListOAuthClientsQuery,
  ): Promise<OAuthClientPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.clients.list(caller.tenantId, limit, offset);
    return { items: page.items.map(OAuthClientDto.from), total: page.total, limit, offset };
  }

  @Audit({ resource: 'oauth-client' })
  @Get(':client_id')
  @RequirePermission('oauth-client:read', 'oauth-client', 'client_id')
  @ApiOperation({ summary: 'An OAuth client (never its secret)' })
  @ApiOkResponse({ type: OAuthClientDto })
  @ApiNotFoundResponse({ description: 'No such client in this tenant' })
  async get(
    @Caller() caller: AccessContext,
    @Param('client_id') clientId: string,
  ): Promise<OAuthClientDto> {
    return OAuthClientDto.from(await this.clients.get(caller.tenantId, clientId));
  }

  @Patch(':client_id')
  @RequirePermission('oauth-client:update', 'oauth-client', 'client_id')
  @ApiOperation({
    summary: 'Change the name, redirect URIs, grant types, scopes or skip_consent',
    description:
      'Checked with the same rules as at registration, together with the settings left ' +
      'as they are; the client type cannot change.',
  })
  @ApiOkResponse({ type: OAuthClientDto })
  @ApiForbiddenResponse({ description: FIRST_PARTY_403 })
  @ApiNotFoundResponse({ description: 'No such client in this tenant' })
  @ApiConflictResponse({ description: 'Changed by another request meanwhile' })
  async update(
    @Caller() caller: AccessContext,
    @Param('client_id') clientId: string,
    @Body() body: UpdateOAuthClientDto,
  ): Promise<OAuthClientDto> {
    await this.requireOwnerInReach(caller, clientId);
    const client = await this.clients.update(
      caller.tenantId,
      clientId,
      {
        name: body.name,
        redirectUris: body.redirect_uris,
        postLogoutRedirectUris: body.post_logout_redirect_uris,
        grantTypes: body.grant_types,
        scopes: body.scopes,
        skipConsent: body.skip_consent,
      },
      actorOf(caller),
    );
    return OAuthClientDto.from(client);
  }

  @Post(':client_id/rotate-secret')
  @HttpCode(200)
  @RequirePermission('oauth-client:update', 'oauth-client', 'client_id')
  @RequireElevated()
  @ApiOperation({
    summary: "Replace a confidential client's secret; the new one is returned once",
    description: 'The old secret stops working at once.',
  })
  @ApiOkResponse({ type: OAuthClientWithSecretDto })
  @ApiForbiddenResponse({ description: FIRST_PARTY_403 })
  @ApiNotFoundResponse({ description: 'No such client in this tenant' })
  @ApiConflictResponse({ description: 'A public client has no secret' })
  async rotateSecret(
    @Caller() caller: AccessContext,
    @Param('client_id') clientId: string,
  ): Promise<OAuthClientWithSecretDto> {
    await this.requireOwnerInReach(caller, clientId);
    const { client, secret } = await this.clients.rotateSecret(
      caller.tenantId,
      clientId,
      actorOf(caller),
    );
    return { ...OAuthClientDto.from(client), client_secret: secret };
  }

  @Delete(':client_id')
  @HttpCode(204)
  @RequirePermission('oauth-client:delete', 'oauth-client', 'client_id')
  @ApiOperation({ summary: 'Delete a client; the authorization server stops trusting it at once' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({
    description:
      "The caller lacks the route's permission, the tenant is not active, or the client's " +
      'owner holds permissions the caller does not (forbidden-principal)',
  })
  @ApiNotFoundResponse({ description: 'No such client in this tenant' })
  async delete(
    @Caller() caller: AccessContext,
    @Param('client_id') clientId: string,
  ): Promise<void> {
    await this.requireOwnerInReach(caller, clientId);
    await this.clients.delete(caller.tenantId, clientId);
  }
}
