import { Global, Module } from '@nestjs/common';
import { ApprovalHolds } from './approval-holds.service';
import { SafetyGate } from './safety-gate.service';

/** The safety gate and approval holds, available to the tool executor and the goal runner. */
@Global()
@Module({ providers: [SafetyGate, ApprovalHolds], exports: [SafetyGate, ApprovalHolds] })
export class SafetyModule {}
