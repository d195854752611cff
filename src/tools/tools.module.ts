import { QuotasModule } from '../quotas/quotas.module';
import { Module } from '@nestjs/common';
import { ProcessSandbox } from '#sandbox';
import { EffectJournalRepository } from './effect-journal.repository';
import { PlatformCapabilityRepository } from './platform-capability.repository';
import { EventsModule } from '../events/events.module';
import { HooksModule } from '../hooks/hooks.module';
import { SafetyModule } from '../safety/safety.module';
import { SandboxProbe, sandboxProvider } from './sandbox.provider';
import { ToolExecutor } from './tool-executor.service';
import { ToolRegistry } from './tool-registry.service';
import { ToolsController } from './tools.controller';

@Module({
  imports: [SafetyModule, EventsModule, QuotasModule, HooksModule],
  providers: [
    sandboxProvider,
    SandboxProbe,
    ToolRegistry,
    ToolExecutor,
    EffectJournalRepository,
    PlatformCapabilityRepository,
  ],
  controllers: [ToolsController],
  exports: [ToolRegistry, ToolExecutor, SandboxProbe, EffectJournalRepository, ProcessSandbox],
})
export class ToolsModule {}
