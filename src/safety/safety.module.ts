import { Global, Module } from '@nestjs/common';
import { ApprovalHolds } from './approval-holds.service';
import { ApprovalRepository } from './approval.repository';
import { SafetyGate } from './safety-gate.service';
import { GoalRepository } from '../governor/goal.repository';
import { TaskRepository } from '../governor/task.repository';

/** The safety gate and approval holds, available to the tool executor and the goal runner. */
@Global()
@Module({
  providers: [SafetyGate, ApprovalHolds, ApprovalRepository, GoalRepository, TaskRepository],
  exports: [SafetyGate, ApprovalHolds, ApprovalRepository],
})
export class SafetyModule {}
