import { Module } from '@nestjs/common';
import { ToolsModule } from '../../tools/tools.module';
import { McpConnections } from './mcp-connections.service';
import { mcpSecretSealerProvider } from './mcp-secret-sealer.provider';
import { McpServerRepository } from './mcp-server.repository';
import { McpServersController } from './mcp-servers.controller';
import { McpServers } from './mcp-servers.service';
import { McpToolSource } from './mcp-tool-source.service';
import { McpTransportFactory } from './mcp-transport.factory';

/**
 * MCP servers as tool sources: each tenant's servers (stdio in the sandbox, or Streamable
 * HTTP through the SSRF guard), the connections to them, and their tools in the registry.
 */
@Module({
  imports: [ToolsModule],
  controllers: [McpServersController],
  providers: [
    mcpSecretSealerProvider,
    McpServerRepository,
    McpTransportFactory,
    McpConnections,
    McpToolSource,
    McpServers,
  ],
})
export class McpClientModule {}
