import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireAdmin } from '../access/decorators';
import { ListAllWebhooksQuery, WebhookDto, WebhookPageDto } from './dto/webhook-endpoint.dto';
import { WebhookEndpoints } from './webhook-endpoints.service';

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
}
