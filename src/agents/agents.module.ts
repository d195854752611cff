import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools/tools.module';
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
import { GoalRepository } from '../governor/goal.repository';
import { TaskRepository } from '../governor/task.repository';
import { ProgressLedgerRepository } from './progress-ledger.repository';

@Module({
  imports: [ToolsModule],
  controllers: [AgentsController, GoalLedgerController],
  providers: [
    AgentRuntime,
    AgentProfileStore,
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
  ],
  exports: [AgentRuntime, AgentWorkforce],
})
export class AgentsModule {}
