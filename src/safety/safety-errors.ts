import type { SafetyCheck } from './safety-policy';

/** A safety gate refusal: a limit exhausted (fatal for the goal) or an action blocked. */
export class SafetyViolation extends Error {
  constructor(
    readonly check: SafetyCheck,
    readonly detail: string,
    readonly kind: 'violation' | 'blocked',
    readonly fatal: boolean,
  ) {
    super(`refused by the safety gate (${check}): ${detail}`);
    this.name = 'SafetyViolation';
  }
}

/** An action that waits for a human: the goal pauses in AWAITING_APPROVAL until decided. */
export class ApprovalPending extends Error {
  constructor(
    readonly taskId: string,
    readonly taskKey: string,
    readonly tool: string,
    readonly args: unknown,
    readonly fingerprint: string,
    readonly categories: string[],
    readonly reason: string,
  ) {
    super(`waiting for human approval: ${reason}`);
    this.name = 'ApprovalPending';
  }
}
