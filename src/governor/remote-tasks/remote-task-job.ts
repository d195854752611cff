import type { TaskOutput } from '../../agents/agent-runtime.service';
import type { AgentProfileRow } from '../../agents/agent-profile.row';
import { AgentTerminated } from '../../agents/agent-workforce.service';
import { StallDetected, type LedgerAssessment } from '../../agents/ledger-policy';
import type { LedgerBuffer } from '../../agents/progress-ledger.service';
import type { WorkGoal, WorkTask } from '../../agents/work-items';
import type { LlmCallRecord, LlmCallScope } from '../../llm/llm-usage.recorder';
import { ApprovalPending, SafetyViolation } from '../../safety/safety-errors';
import type { SafetyCheck } from '../../safety/safety-policy';

/**
 * One attempt of a task, run by another process for the process driving its goal. It
 * carries what the agent reads, so the runner needs no read of the goal; the driver keeps
 * every write of the goal's state (start, result, failure), under its lease.
 */
export interface RunTaskJob {
  jobId: string;
  goal: WorkGoal;
  task: WorkTask;
  attempt: number;
  /** The agent whose slot the driver took for this attempt (absent: the runner takes one). */
  agent?: AgentProfileRow;
  dependencies: Array<{ key: string; title: string; output: unknown }>;
  plan: Array<{ key: string; depends_on: string[] }>;
  /** The worker driving the goal. */
  driver: string;
}

/** A model call of the attempt, for the driver to store with the result. */
export interface RemoteUsage {
  scope: Pick<LlmCallScope, 'tenantId' | 'goalId' | 'taskId' | 'agent' | 'purpose'>;
  call: LlmCallRecord;
}

/** An error of the attempt, in a form that crosses processes and becomes its class again. */
export type RemoteError =
  | { type: 'approval'; message: string; hold: ConstructorParameters<typeof ApprovalPending> }
  | {
      type: 'safety';
      message: string;
      check: SafetyCheck;
      detail: string;
      kind: 'violation' | 'blocked';
      fatal: boolean;
    }
  | { type: 'stall'; message: string; taskKey: string; assessment: LedgerAssessment }
  | { type: 'terminated'; message: string; agentId: string }
  | { type: 'error'; message: string };

interface ResultCommon {
  /** The worker that ran the attempt. */
  workerId: string;
  usage: RemoteUsage[];
  /** Ledger turns buffered during the attempt, stored by the driver with the result. */
  turns: LedgerBuffer;
  durationMs: number;
}

export type TaskJobResult =
  | (ResultCommon & { ok: true; output: TaskOutput })
  | (ResultCommon & { ok: false; error: RemoteError });

export function encodeError(error: unknown): RemoteError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApprovalPending)
    return {
      type: 'approval',
      message,
      hold: [
        error.taskId,
        error.taskKey,
        error.tool,
        error.args,
        error.fingerprint,
        error.categories,
        error.reason,
      ],
    };
  if (error instanceof SafetyViolation)
    return {
      type: 'safety',
      message,
      check: error.check,
      detail: error.detail,
      kind: error.kind,
      fatal: error.fatal,
    };
  if (error instanceof StallDetected)
    return { type: 'stall', message, taskKey: error.taskKey, assessment: error.assessment };
  if (error instanceof AgentTerminated)
    return { type: 'terminated', message, agentId: error.agentId };
  return { type: 'error', message };
}

export function decodeError(error: RemoteError): Error {
  switch (error.type) {
    case 'approval':
      return new ApprovalPending(...error.hold);
    case 'safety':
      return new SafetyViolation(error.check, error.detail, error.kind, error.fatal);
    case 'stall':
      return new StallDetected(error.taskKey, error.assessment);
    case 'terminated':
      return new AgentTerminated(error.agentId);
    case 'error':
      return new Error(error.message);
  }
}
