import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../access/access-context';
import { Audit } from '../access/audit.decorator';
import { Caller, RequirePermission } from '../access/decorators';
import {
  CreateWebhookDto,
  ListWebhooksQuery,
  UpdateWebhookDto,
  WebhookDto,
  WebhookEventTypesDto,
  WebhookPageDto,
  WebhookStatsDto,
  WebhookWithSecretDto,
} from './dto/webhook-endpoint.dto';
import { WebhookDeliveryDto } from './dto/webhook-delivery.dto';
import {
  securityEventPatterns,
  WEBHOOK_EVENT_CATEGORIES,
  WEBHOOK_EVENT_TYPES,
} from './webhook-event-types';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookOwnerReach } from './webhook-owner-reach';
import { AccessDenied } from '../auth/auth-errors';
import { heldPermissions } from '../rbac/principal-policy';

const uuid = new UuidParamPipe();
const OUT_OF_REACH =
  "The caller lacks the route's permission, the tenant is not active, or the endpoint's " +
  'owner holds permissions the caller does not (forbidden-principal)';
const SECURITY_EVENTS_403 =
  "The caller lacks the route's permission, the tenant is not active, or the events name " +
  'security events (`*`, auth.*, session.*, user.*, …) without audit:read (forbidden-permission)';

/** Security events are audit material: subscribing to them takes audit:read, as reading them does. */
function checkEventsReadable(caller: AccessContext, events: readonly string[]): void {
  const security = securityEventPatterns(events);
  if (security.length && !heldPermissions(caller).has('audit:read'))
    throw new AccessDenied(
      `Subscribing to security events (${security.join(', ')}) needs the permission audit:read.`,
      'forbidden-permission',
    );
}
const NOT_CONFIGURED = 'Production without WEBHOOK_ENCRYPTION_KEY (webhooks-not-configured)';

/**
 * The webhook endpoints of the caller's tenant. Another tenant's endpoints answer 404, as
 * endpoints that do not exist do.
 */
@ApiTags('webhooks')
@ApiServiceUnavailableResponse({ description: NOT_CONFIGURED })
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly ownerReach: WebhookOwnerReach,
  ) {}

  @Audit({ resource: 'webhook' })
  @Post()
  @RequirePermission('webhook:create', 'webhook')
  @ApiOperation({
    summary: 'Add an endpoint; its signing secret is in this answer only',
    description:
      'Deliveries are POSTed with X-Webhook-Signature: sha256=<hex HMAC-SHA256 of ' +
      '`{X-Webhook-Timestamp}.{body}` keyed by the secret>.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiConflictResponse({ description: 'The owner has WEBHOOK_MAX_PER_OWNER endpoints' })
  @ApiForbiddenResponse({ description: SECURITY_EVENTS_403 })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookWithSecretDto> {
    checkEventsReadable(caller, body.events);
    const { endpoint, secret } = await this.endpoints.create(caller.tenantId, ownerOf(caller), {
      name: body.name,
      description: body.description ?? null,
      url: body.url,
      events: body.events,
      filters: body.filters ?? null,
      standard_webhooks: body.standard_webhooks ?? false,
    });
    return { ...WebhookDto.from(endpoint), secret };
  }

  @Get()
  @RequirePermission('webhook:read', 'webhook')
  @ApiOperation({ summary: "The tenant's endpoints, newest first (never their secrets)" })
  @ApiOkResponse({ type: WebhookPageDto })
  async list(
    @Caller() caller: AccessContext,
    @Query() query: ListWebhooksQuery,
  ): Promise<WebhookPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.endpoints.list(caller.tenantId, query.status, limit, offset);
    return { items: page.items.map(WebhookDto.from), total: page.total, limit, offset };
  }

  @Get('event-types')
  @RequirePermission('webhook:read', 'webhook')
  @ApiOperation({ summary: 'The event types and categories an endpoint may subscribe to' })
  @ApiOkResponse({ type: WebhookEventTypesDto })
  eventTypes(): WebhookEventTypesDto {
    return { event_types: [...WEBHOOK_EVENT_TYPES], categories: [...WEBHOOK_EVENT_CATEGORIES] };
  }

  @Get(':id')
  @RequirePermission('webhook:read', 'webhook', 'id')
  @ApiOperation({ summary: 'An endpoint (never its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'No such endpoint in this tenant' })
  async get(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.endpoints.get(caller.tenantId, id));
  }

  @Audit({ resource: 'webhook' })
  @Patch(':id')
  @ApiForbiddenResponse({
    description: `${OUT_OF_REACH}, or the events name security events without audit:read (forbidden-permission)`,
  })
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({
    summary:
      'Change the name, description, URL, events, filters or standard_webhooks of an endpoint',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'No such endpoint in this tenant' })
  async update(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    await this.ownerReach.require(caller, id);
    if (body.events !== undefined) checkEventsReadable(caller, body.events);
    const row = await this.endpoints.update(caller.tenantId, id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.events !== undefined ? { events: body.events } : {}),
      ...(body.filters !== undefined ? { filters: body.filters } : {}),
      ...(body.standard_webhooks !== undefined
        ? { standard_webhooks: body.standard_webhooks }
        : {}),
    });
    return WebhookDto.from(row);
  }

  @Audit({ resource: 'webhook' })
  @Delete(':id')
  @ApiForbiddenResponse({ description: OUT_OF_REACH })
  @HttpCode(204)
  @RequirePermission('webhook:delete', 'webhook', 'id')
  @ApiOperation({ summary: 'Delete an endpoint with its deliveries' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such endpoint in this tenant' })
  async delete(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    await this.ownerReach.require(caller, id);
    await this.endpoints.delete(caller.tenantId, id);
  }

  @Audit({ resource: 'webhook' })
  @Post(':id/pause')
  @ApiForbiddenResponse({ description: OUT_OF_REACH })
  @HttpCode(200)
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({ summary: 'Stop new deliveries; pending ones wait until it is resumed' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiConflictResponse({ description: 'The endpoint is DISABLED or FAILED' })
  async pause(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<WebhookDto> {
    await this.ownerReach.require(caller, id);
    return WebhookDto.from(await this.endpoints.pause(caller.tenantId, id));
  }

  @Audit({ resource: 'webhook' })
  @Post(':id/resume')
  @ApiForbiddenResponse({ description: OUT_OF_REACH })
  @HttpCode(200)
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({
    summary: 'Make a paused, disabled or failed endpoint ACTIVE; its failures are forgotten',
  })
  @ApiOkResponse({ type: WebhookDto })
  async resume(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<WebhookDto> {
    await this.ownerReach.require(caller, id);
    return WebhookDto.from(await this.endpoints.resume(caller.tenantId, id));
  }

  @Audit({ resource: 'webhook' })
  @Post(':id/rotate-secret')
  @ApiForbiddenResponse({ description: OUT_OF_REACH })
  @HttpCode(200)
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({
    summary: 'A new signing secret, shown once; the old one also signs during the window',
    description:
      'For WEBHOOK_SECRET_ROTATION_WINDOW_MINUTES every delivery carries both signatures, ' +
      'comma separated, so a receiver with either secret verifies it.',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  async rotateSecret(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<WebhookWithSecretDto> {
    await this.ownerReach.require(caller, id);
    const { endpoint, secret } = await this.endpoints.rotateSecret(caller.tenantId, id);
    return { ...WebhookDto.from(endpoint), secret };
  }

  @Post(':id/test')
  @HttpCode(202)
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  async test(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<WebhookDeliveryDto> {
    return WebhookDeliveryDto.from(await this.endpoints.sendTest(caller.tenantId, id));
  }

  @Get(':id/stats')
  @RequirePermission('webhook:read', 'webhook', 'id')
  @ApiOperation({ summary: "The endpoint's deliveries by status, success rate and answer time" })
  @ApiOkResponse({ type: WebhookStatsDto })
  async stats(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<WebhookStatsDto> {
    return WebhookStatsDto.from(await this.endpoints.stats(caller.tenantId, id));
  }
}

/** An API key or an OAuth token acts for its owner, so its endpoints count against that user. */
function ownerOf(caller: AccessContext): string {
  return caller.userId;
}
