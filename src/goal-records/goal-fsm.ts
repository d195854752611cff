/** The governor's goal state machine (docs/architecture.md): states and allowed moves as data. */
export const GOAL_STATES = [
  'RECEIVED',
  'INTENT_ANALYSIS',
  'TASK_DECOMPOSITION',
  'AGENT_ASSIGNMENT',
  'EXECUTING',
  'PARALLEL_EXECUTING',
  'AWAITING_APPROVAL',
  'VERIFYING',
  'REPLANNING',
  'WRITING_MEMORY',
  'REFLECTING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;

export type GoalState = (typeof GOAL_STATES)[number];
export type GoalStatus =
  'queued' | 'running' | 'awaiting_approval' | 'paused' | 'completed' | 'failed' | 'cancelled';
/** `paused`: its tenant is suspended; the goal keeps its state and goes on at activation. */
export const GOAL_STATUSES: readonly GoalStatus[] = [
  'queued',
  'running',
  'awaiting_approval',
  'paused',
  'completed',
  'failed',
  'cancelled',
];

export const TERMINAL_STATES: ReadonlySet<GoalState> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
]);

const WORKING: GoalState[] = GOAL_STATES.filter((state) => !TERMINAL_STATES.has(state));

export const TRANSITIONS: Readonly<Record<GoalState, readonly GoalState[]>> = {
  RECEIVED: ['INTENT_ANALYSIS'],
  INTENT_ANALYSIS: ['TASK_DECOMPOSITION'],
  TASK_DECOMPOSITION: ['AGENT_ASSIGNMENT'],
  AGENT_ASSIGNMENT: ['EXECUTING', 'PARALLEL_EXECUTING'],
  EXECUTING: ['VERIFYING', 'REPLANNING', 'AWAITING_APPROVAL'],
  PARALLEL_EXECUTING: ['VERIFYING', 'REPLANNING', 'AWAITING_APPROVAL'],
  AWAITING_APPROVAL: ['EXECUTING', 'PARALLEL_EXECUTING', 'REPLANNING'],
  VERIFYING: ['WRITING_MEMORY', 'REPLANNING'],
  REPLANNING: ['TASK_DECOMPOSITION'],
  WRITING_MEMORY: ['REFLECTING'],
  REFLECTING: ['COMPLETED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export class IllegalTransition extends Error {
  constructor(
    readonly from: GoalState,
    readonly to: GoalState,
  ) {
    super(`A goal in state ${from} cannot move to ${to}.`);
    this.name = 'IllegalTransition';
  }
}

export function canTransition(from: GoalState, to: GoalState): boolean {
  if (TERMINAL_STATES.has(from)) return false;
  if (to === 'FAILED' || to === 'CANCELLED') return WORKING.includes(from);
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: GoalState, to: GoalState): void {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}

export function statusOf(state: GoalState): GoalStatus {
  switch (state) {
    case 'RECEIVED':
      return 'queued';
    case 'AWAITING_APPROVAL':
      return 'awaiting_approval';
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'running';
  }
}

export function isTerminal(state: GoalState): boolean {
  return TERMINAL_STATES.has(state);
}
