import { Module } from '@nestjs/common';
import { SandboxProbe, sandboxProvider } from './sandbox.provider';
import { ToolExecutor } from './tool-executor.service';
import { ToolRegistry } from './tool-registry.service';
import { ToolsController } from './tools.controller';

@Module({
  providers: [sandboxProvider, SandboxProbe, ToolRegistry, ToolExecutor],
  controllers: [ToolsController],
  exports: [ToolRegistry, ToolExecutor, SandboxProbe],
})
export class ToolsModule {}
