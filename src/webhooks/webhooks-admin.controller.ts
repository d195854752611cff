import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audit } from '../access/audit.decorator';
import { RequireAdmin } from '../access/decorators';
import { ListAllWebhooksQuery, WebhookDto, WebhookPageDto } from './dto/webhook-endpoint.dto';
import { WebhookEndpoints } from './webhook-endpoints.service';

const uuid = new UuidParamPipe();

/** Every tenant's webhook endpoints, for the installation's administrators. */
@ApiTags('webhooks')
@Controller('api/v1/admin/webhooks')
export class WebhooksAdminController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @Get()
  @RequireAdmin('system')
  @ApiOperation({ summary: "Every tenant's endpoints, optionally of one tenant or status" })
  @ApiOkResponse({ type: WebhookPageDto })
  async list(@Query() query: ListAllWebhooksQuery): Promise<WebhookPageDto> {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.endpoints.listAll(query.tenant_id, query.status, limit, offset);
    return { items: page.items.map(WebhookDto.from), total: page.total, limit, offset };
  }

  @Audit({ resource: 'webhook' })
  @Post(':id/pause')
  @HttpCode(200)
  @RequireAdmin('system')
  @ApiOperation({ summary: "Pause any tenant's endpoint (its pending deliveries wait)" })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'No such endpoint' })
  @ApiConflictResponse({ description: 'The endpoint is DISABLED or FAILED' })
  async pause(@Param('id', uuid) id: string): Promise<WebhookDto> {
    const tenantId = await this.endpoints.tenantOf(id);
    return WebhookDto.from(await this.endpoints.pause(tenantId, id));
  }

  @Audit({ resource: 'webhook' })
  @Post(':id/resume')
  @HttpCode(200)
  @RequireAdmin('system')
  @ApiOperation({ summary: "Make any tenant's paused, disabled or failed endpoint ACTIVE" })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'No such endpoint' })
  async resume(@Param('id', uuid) id: string): Promise<WebhookDto> {
    const tenantId = await this.endpoints.tenantOf(id);
    return WebhookDto.from(await this.endpoints.resume(tenantId, id));
  }
}
