import { Global, Module } from '@nestjs/common';
import { ApprovalHolds } from './approval-holds.service';
import { ApprovalRepository } from './approval.repository';
import { SafetyGate } from './safety-gate.service';

/** The safety gate and approval holds, available to the tool executor and the goal runner. */
@Global()
@Module({
  providers: [SafetyGate, ApprovalHolds, ApprovalRepository],
  exports: [SafetyGate, ApprovalHolds, ApprovalRepository],
})
export class SafetyModule {}
