import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../../approvals/approvals.module';
import { GovernorModule } from '../../governor/governor.module';
import { MemoryModule } from '../../memory/memory.module';
import { McpServerFactory } from './mcp-server.factory';
import { McpController } from './mcp.controller';

/** The product as a Model Context Protocol server at /mcp (API processes only). */
@Module({
  imports: [GovernorModule, ApprovalsModule, MemoryModule],
  controllers: [McpController],
  providers: [McpServerFactory],
})
export class McpServerModule {}
