import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ApprovalHolds } from './approval-holds.service';
import { ApprovalRepository } from './approval.repository';
import { SafetyGate } from './safety-gate.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';

/** The safety gate and approval holds, available to the tool executor and the goal runner. */
@Module({
  imports: [EventsModule],
  providers: [SafetyGate, ApprovalHolds, ApprovalRepository, GoalRepository, TaskRepository],
  exports: [SafetyGate, ApprovalHolds, ApprovalRepository],
})
export class SafetyModule {}
