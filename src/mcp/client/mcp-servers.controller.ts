import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { UuidParamPipe } from '../../common/uuid-param.pipe';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { AccessContext } from '../../access/access-context';
import { Audit } from '../../access/audit.decorator';
import { Caller, RequirePermission } from '../../access/decorators';
import {
  CreateMcpServerDto,
  McpServerDto,
  McpServerListDto,
  UpdateMcpServerDto,
} from './dto/mcp-server.dto';
import { McpServers } from './mcp-servers.service';

const uuid = new UuidParamPipe();
const INVALID = 'A field is missing or wrong; problem+json names each one';

/**
 * The MCP servers of the caller's tenant, whose tools its agents may call. Another
 * tenant's servers answer 404, as servers that do not exist do. Secrets are never shown.
 */
@ApiTags('mcp')
@Controller('api/v1/mcp/servers')
export class McpServersController {
  constructor(private readonly servers: McpServers) {}

  @Audit({ resource: 'mcp_server' })
  @Post()
  @RequirePermission('mcp:manage', 'mcp_server')
  @ApiOperation({ summary: 'Add an MCP server (stdio or Streamable HTTP) as a source of tools' })
  @ApiBody({ type: CreateMcpServerDto })
  @ApiCreatedResponse({ type: McpServerDto })
  @ApiBadRequestResponse({ description: INVALID })
  @ApiConflictResponse({ description: 'The tenant has a server of that name' })
  @ApiServiceUnavailableResponse({
    description: 'stdio without the sandbox, or secrets without MCP_ENCRYPTION_KEY',
  })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: Record<string, unknown>,
  ): Promise<McpServerDto> {
    return McpServerDto.from(await this.servers.create(caller.tenantId, caller.userId, body));
  }

  @Get()
  @RequirePermission('mcp:manage', 'mcp_server')
  @ApiOperation({ summary: "The tenant's MCP servers by name (never their secrets)" })
  @ApiOkResponse({ type: McpServerListDto })
  async list(@Caller() caller: AccessContext): Promise<McpServerListDto> {
    return { items: (await this.servers.list(caller.tenantId)).map(McpServerDto.from) };
  }

  @Get(':id')
  @RequirePermission('mcp:manage', 'mcp_server', 'id')
  @ApiOperation({ summary: 'An MCP server with the tools its last connection listed' })
  @ApiOkResponse({ type: McpServerDto })
  @ApiNotFoundResponse({ description: 'No such server in this tenant' })
  async get(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<McpServerDto> {
    return McpServerDto.from(await this.servers.get(caller.tenantId, id));
  }

  @Audit({ resource: 'mcp_server' })
  @Patch(':id')
  @RequirePermission('mcp:manage', 'mcp_server', 'id')
  @ApiOperation({ summary: 'Change a server; every process reconnects with the new settings' })
  @ApiBody({ type: UpdateMcpServerDto })
  @ApiOkResponse({ type: McpServerDto })
  @ApiBadRequestResponse({ description: INVALID })
  @ApiNotFoundResponse({ description: 'No such server in this tenant' })
  async update(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<McpServerDto> {
    return McpServerDto.from(await this.servers.update(caller.tenantId, id, body));
  }

  @Audit({ resource: 'mcp_server' })
  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('mcp:manage', 'mcp_server', 'id')
  @ApiOperation({ summary: 'Remove a server; its tools leave the registry' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such server in this tenant' })
  async delete(@Caller() caller: AccessContext, @Param('id', uuid) id: string): Promise<void> {
    await this.servers.delete(caller.tenantId, id);
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @RequirePermission('mcp:manage', 'mcp_server', 'id')
  @ApiOperation({
    summary: 'Connect now and list the tools',
    description: 'status CONNECTED with the tools, or FAILED with the connection error.',
  })
  @ApiOkResponse({ type: McpServerDto })
  @ApiNotFoundResponse({ description: 'No such server in this tenant' })
  async refresh(
    @Caller() caller: AccessContext,
    @Param('id', uuid) id: string,
  ): Promise<McpServerDto> {
    return McpServerDto.from(await this.servers.refresh(caller.tenantId, id));
  }
}
