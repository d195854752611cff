import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/decorators';
import { currentTenantId } from '../common/request-context';
import { ToolListDto } from './dto/tool-list.dto';
import { ToolRegistry } from './tool-registry.service';

@ApiTags('tools')
@Controller('api/v1/tools')
export class ToolsController {
  constructor(private readonly registry: ToolRegistry) {}

  @Get()
  @RequirePermission('tool:read', 'tool')
  @ApiOperation({
    summary: 'List the tools agents may call, with their parameters, permission level and risk',
  })
  @ApiOkResponse({ type: ToolListDto, description: 'The tool registry' })
  async list(): Promise<ToolListDto> {
    const tenantId = currentTenantId();
    await this.registry.prepare(tenantId);
    return { items: this.registry.describe(tenantId) };
  }
}
