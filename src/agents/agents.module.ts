import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools/tools.module';
import { AgentRuntime } from './agent-runtime.service';

@Module({ imports: [ToolsModule], providers: [AgentRuntime], exports: [AgentRuntime] })
export class AgentsModule {}
