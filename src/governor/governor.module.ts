import { HooksModule } from '../hooks/hooks.module';
import { QuotasModule } from '../quotas/quotas.module';
import { GoalPauses } from './goal-pauses.service';
import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { EventsModule } from '../events/events.module';
import { ToolsModule } from '../tools/tools.module';
import { EvolutionModule } from '../evolution/evolution.module';
import { LlmModule } from '../llm/llm.module';
import { MemoryModule } from '../memory/memory.module';
import { QueueModule } from '../queue/queue.module';
import { SafetyModule } from '../safety/safety.module';
import { GoalLeases } from './goal-lease.service';
import { GoalRunner } from './goal-runner';
import { GoalRuns } from './goal-runs';
import { GoalStore } from './goal-store.service';
import { GoalSweeper } from './goal-sweeper.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { GoalsController } from './goals.controller';
import { GoalsService } from './goals.service';
import { LeaseHeartbeat } from './lease-heartbeat';
import { AnalyseIntentStep } from './steps/analyse-intent.step';
import { AssignStep } from './steps/assign.step';
import { CompleteStep } from './steps/complete.step';
import { ExecuteStep } from './steps/execute.step';
import { FailStep } from './steps/fail.step';
import { GoalTransitions } from './steps/goal-transitions';
import { PlanStep } from './steps/plan.step';
import { PlanningRecall } from './steps/planning-recall';
import { ReplanStep } from './steps/replan.step';
import { TaskAttempts } from './steps/task-attempt';
import { TaskWriteBatches } from './steps/task-write-batches';
import { VerifyStep } from './steps/verify.step';
import { TaskRepository } from '../goal-records/task.repository';
import { TaskExecutor } from './remote-tasks/task-executor';
import { TaskJobRunner } from './remote-tasks/task-job-runner';
import { TaskResultChannel } from './remote-tasks/task-result-channel';
import { WorkersModule } from '../workers/workers.module';

/** The FSM's steps, one class per step, and the units they share. */
const STEPS = [
  GoalTransitions,
  AnalyseIntentStep,
  PlanningRecall,
  PlanStep,
  AssignStep,
  TaskWriteBatches,
  TaskAttempts,
  ExecuteStep,
  VerifyStep,
  ReplanStep,
  CompleteStep,
  FailStep,
];

@Module({
  imports: [
    QuotasModule,
    AgentsModule,
    MemoryModule,
    EvolutionModule,
    SafetyModule,
    LlmModule,
    QueueModule,
    EventsModule,
    ToolsModule,
    WorkersModule,
    HooksModule,
  ],
  controllers: [GoalsController],
  providers: [
    GoalRepository,
    TaskRepository,
    GoalStore,
    GoalLeases,
    LeaseHeartbeat,
    GoalRuns,
    ...STEPS,
    GoalRunner,
    GoalsService,
    GoalSweeper,
    GoalPauses,
    TaskResultChannel,
    TaskExecutor,
    TaskJobRunner,
  ],
  exports: [GoalsService, GoalStore, GoalRunner, GoalPauses, GoalRepository],
})
export class GovernorModule {}
