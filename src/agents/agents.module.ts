import { HooksModule } from '../hooks/hooks.module';
import { QuotasModule } from '../quotas/quotas.module';
import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LlmModule } from '../llm/llm.module';
import { SafetyModule } from '../safety/safety.module';
import { ToolsModule } from '../tools/tools.module';
import { AgentBidRepository } from './agent-bid.repository';
import { AgentProfileRepository } from './agent-profile.repository';
import { AgentProfileStore } from './agent-profile.store';
import { AgentRuntime } from './agent-runtime.service';
import { AgentSelector } from './agent-selector.service';
import { AgentSpawner } from './agent-spawner.service';
import { AgentAssigner } from './agent-assigner.service';
import { AgentWorkforce } from './agent-workforce.service';
import { AgentsController, GoalLedgerController } from './agents.controller';
import { AgentsService } from './agents.service';
import { MarketAuction } from './market-auction.service';
import { ProgressLedger } from './progress-ledger.service';
import { SwarmCoordinator } from './swarm-coordinator.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';
import { ProgressLedgerRepository } from './progress-ledger.repository';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { AgentKindRegistry } from './agent-kind-registry';
import { PluginAgentKinds } from './plugin-agent-kinds.extension';

@Module({
  imports: [
    ToolsModule,
    SafetyModule,
    LlmModule,
    EventsModule,
    QuotasModule,
    PluginExtensionsModule,
    HooksModule,
  ],
  controllers: [AgentsController, GoalLedgerController],
  providers: [
    AgentRuntime,
    AgentProfileRepository,
    AgentProfileStore,
    AgentBidRepository,
    AgentSelector,
    AgentSpawner,
    MarketAuction,
    ProgressLedgerRepository,
    ProgressLedger,
    GoalRepository,
    TaskRepository,
    SwarmCoordinator,
    AgentAssigner,
    AgentWorkforce,
    AgentsService,
    AgentKindRegistry,
    PluginAgentKinds,
  ],
  exports: [AgentRuntime, AgentWorkforce, AgentProfileStore],
})
export class AgentsModule {}
