import { Module } from '@nestjs/common';
import { ToolExecutor } from './tool-executor.service';
import { ToolRegistry } from './tool-registry.service';
import { ToolsController } from './tools.controller';

@Module({
  providers: [ToolRegistry, ToolExecutor],
  controllers: [ToolsController],
  exports: [ToolRegistry, ToolExecutor],
})
export class ToolsModule {}
