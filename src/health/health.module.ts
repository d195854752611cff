import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { QueueModule } from '../queue/queue.module';
import { ToolsModule } from '../tools/tools.module';
import { HealthController } from './health.controller';

@Module({ imports: [ToolsModule, QueueModule, LlmModule], controllers: [HealthController] })
export class HealthModule {}
