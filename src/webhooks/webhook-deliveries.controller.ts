import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../access/access-context';
import { Audit } from '../access/audit.decorator';
import { Caller, RequirePermission } from '../access/decorators';
import {
  ListDeliveriesQuery,
  WebhookAttemptDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
} from './dto/webhook-delivery.dto';
import { WebhookDeliveries } from './webhook-deliveries.service';

const uuid = new UuidParamPipe();

/** What was sent to one endpoint, each attempt, and sending an event again. */
@ApiTags('webhooks')
@Controller('api/v1/webhooks/:id/deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveries) {}

  @Get()
  @RequirePermission('webhook:read', 'webhook', 'id')
  @ApiOperation({ summary: "The endpoint's deliveries, newest first" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFoundResponse({ description: 'No such endpoint in this tenant' })
  async list(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.deliveries.list(
      caller.tenantId,
      id,
      { status: query.status, eventType: query.event_type },
      limit,
      offset,
    );
    return { items: page.items.map(WebhookDeliveryDto.from), total: page.total, limit, offset };
  }

  @Get(':delivery_id')
  @RequirePermission('webhook:read', 'webhook', 'id')
  @ApiOperation({ summary: 'A delivery with its payload and every attempt' })
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  @ApiNotFoundResponse({ description: 'No such endpoint or delivery in this tenant' })
  async get(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Param('delivery_id', uuid) deliveryId: string,
  ): Promise<WebhookDeliveryDetailDto> {
    const { delivery, attempts } = await this.deliveries.get(caller.tenantId, id, deliveryId);
    return {
      ...WebhookDeliveryDto.from(delivery),
      payload: delivery.payload as Record<string, unknown>,
      attempt_log: attempts.map(WebhookAttemptDto.from),
    };
  }

  @Audit({ resource: 'webhook' })
  @Post(':delivery_id/redeliver')
  @HttpCode(202)
  @RequirePermission('webhook:update', 'webhook', 'id')
  @ApiOperation({
    summary: 'Send the same event again, as a new delivery with a new id',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiNotFoundResponse({ description: 'No such endpoint or delivery in this tenant' })
  async redeliver(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Param('delivery_id', uuid) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return WebhookDeliveryDto.from(
      await this.deliveries.redeliver(caller.tenantId, id, deliveryId),
    );
  }
}
