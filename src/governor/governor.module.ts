import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { EventsModule } from '../events/events.module';
import { EvolutionModule } from '../evolution/evolution.module';
import { LlmModule } from '../llm/llm.module';
import { MemoryModule } from '../memory/memory.module';
import { QueueModule } from '../queue/queue.module';
import { SafetyModule } from '../safety/safety.module';
import { GoalLeases } from './goal-lease.service';
import { GoalRunner } from './goal-runner.service';
import { GoalStore } from './goal-store.service';
import { GoalSweeper } from './goal-sweeper.service';
import { GoalsController } from './goals.controller';
import { GoalsService } from './goals.service';

@Module({
  imports: [
    AgentsModule,
    MemoryModule,
    EvolutionModule,
    SafetyModule,
    LlmModule,
    QueueModule,
    EventsModule,
  ],
  controllers: [GoalsController],
  providers: [GoalStore, GoalLeases, GoalRunner, GoalsService, GoalSweeper],
  exports: [GoalsService, GoalStore, GoalRunner],
})
export class GovernorModule {}
