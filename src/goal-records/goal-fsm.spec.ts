import {
  assertTransition,
  canTransition,
  GOAL_STATES,
  IllegalTransition,
  statusOf,
} from './goal-fsm';

describe('goal FSM', () => {
  it('walks the happy path from RECEIVED to COMPLETED', () => {
    const path = [
      'RECEIVED',
      'INTENT_ANALYSIS',
      'TASK_DECOMPOSITION',
      'AGENT_ASSIGNMENT',
      'PARALLEL_EXECUTING',
      'VERIFYING',
      'WRITING_MEMORY',
      'REFLECTING',
      'COMPLETED',
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('replans from verification back to decomposition', () => {
    expect(canTransition('VERIFYING', 'REPLANNING')).toBe(true);
    expect(canTransition('REPLANNING', 'TASK_DECOMPOSITION')).toBe(true);
  });

  it('lets every working state fail or be cancelled, and no finished state move', () => {
    for (const state of GOAL_STATES) {
      const finished = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(state);
      expect(canTransition(state, 'CANCELLED')).toBe(!finished);
      expect(canTransition(state, 'FAILED')).toBe(!finished);
    }
  });

  it('throws on an illegal move', () => {
    expect(() => assertTransition('RECEIVED', 'COMPLETED')).toThrow(IllegalTransition);
    expect(() => assertTransition('COMPLETED', 'CANCELLED')).toThrow('cannot move');
  });

  it('maps states to the public status', () => {
    expect(statusOf('RECEIVED')).toBe('queued');
    expect(statusOf('VERIFYING')).toBe('running');
    expect(statusOf('AWAITING_APPROVAL')).toBe('awaiting_approval');
  });
});
