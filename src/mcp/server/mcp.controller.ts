import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';
import type { AccessContext } from '../../access/access-context';
import { Audit } from '../../access/audit.decorator';
import { Authenticated, Caller } from '../../access/decorators';
import { McpServerFactory } from './mcp-server.factory';

/**
 * The Model Context Protocol over Streamable HTTP. Stateless: every POST gets a new server
 * and transport (no `Mcp-Session-Id`), so any API process behind a load balancer answers
 * any request, and nothing is kept between them. The caller is authenticated by the
 * global access guard like every API route (API key, session or OAuth access token, then
 * the tenant rules); each tool checks its own permission.
 */
@ApiTags('mcp')
@Controller('mcp')
export class McpController {
  constructor(private readonly servers: McpServerFactory) {}

  @Post()
  @Authenticated()
  @Audit({ resource: 'mcp', event: 'mcp.request' })
  @ApiOperation({
    summary: 'Model Context Protocol (Streamable HTTP)',
    description:
      'A JSON-RPC message of the Model Context Protocol: initialize, tools/list, tools/call. Tools: submit_goal (goal:create), goal_status and list_goals (goal:read), approve (goal:approve), memory_search (memory:read). Send Accept: application/json, text/event-stream.',
  })
  @ApiBody({
    required: true,
    description: 'A JSON-RPC 2.0 request, notification or batch',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({
    description: 'The JSON-RPC response (JSON, or a stream of server-sent events)',
    content: {
      'application/json': { schema: { type: 'object', additionalProperties: true } },
      'text/event-stream': { schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 202, description: 'A notification was accepted' })
  @ApiUnauthorizedResponse({ description: 'No valid credentials' })
  async post(
    @Req() req: Request,
    @Res() res: Response,
    @Caller() caller: AccessContext,
  ): Promise<void> {
    const server = this.servers.create(caller);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    // the body was parsed (and checked) by the API's JSON parser; the stream is spent
    await transport.handleRequest(req, res, req.body);
  }

  @Get()
  @Authenticated()
  @HttpCode(405)
  @ApiOperation({
    summary: 'No server-initiated stream',
    description: 'The server is stateless and sends nothing unasked: 405, as the protocol allows.',
  })
  @ApiResponse({ status: 405, description: 'Method not allowed' })
  stream(@Res({ passthrough: true }) res: Response) {
    return methodNotAllowed(res);
  }

  @Delete()
  @Authenticated()
  @HttpCode(405)
  @ApiOperation({
    summary: 'No sessions to end',
    description: 'The server keeps no sessions: 405, as the protocol allows.',
  })
  @ApiResponse({ status: 405, description: 'Method not allowed' })
  endSession(@Res({ passthrough: true }) res: Response) {
    return methodNotAllowed(res);
  }
}

function methodNotAllowed(res: Response) {
  res.setHeader('Allow', 'POST');
  return { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null };
}
