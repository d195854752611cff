import type { GoalScope } from '../../agents/agent-runtime.service';
import type { AppConfig } from '../../config/app-config';
import type { ApprovalHolds } from '../../safety/approval-holds.service';
import type { ApprovalPending, SafetyViolation } from '../../safety/safety-errors';
import type { GoalRuns } from '../goal-runs';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import { ExecuteStep } from './execute.step';
import type { FailStep, GoalFailure } from './fail.step';
import type { GoalTransitions } from './goal-transitions';
import type { ReplanStep } from './replan.step';
import type { TaskAttempts, TaskOutcome } from './task-attempt';
import type { TaskWriteBatches, TaskWave } from './task-write-batches';
import type { VerifyStep } from './verify.step';

/** The execution step with fakes around it: the order tasks run in and what the phase ends in. */
describe('ExecuteStep', () => {
  const scope: GoalScope = { tenantId: 't1', goalId: 'g1', signal: new AbortController().signal };

  function task(key: string, dependsOn: string[] = []): TaskRow {
    return { key, title: key, status: 'pending', depends_on: dependsOn } as unknown as TaskRow;
  }

  /** Runs the step over `tasks`; `outcome` decides each task's attempts (all succeed by default). */
  async function execute(
    state: 'EXECUTING' | 'PARALLEL_EXECUTING',
    tasks: TaskRow[],
    outcome: (task: TaskRow) => TaskOutcome = () => ({ ok: true }),
  ) {
    const goal = { id: 'g1', tenant_id: 't1', state } as GoalRow;
    const record = {
      order: [] as string[],
      moves: [] as string[],
      replans: [] as string[],
      failures: [] as GoalFailure[],
      suspended: [] as ApprovalPending[],
    };
    const step = new ExecuteStep(
      { TASK_CONCURRENCY: 4 } as AppConfig,
      { planTasksOf: async () => tasks } as unknown as GoalRuns,
      {
        run: async (_goal: GoalRow, t: TaskRow) => {
          record.order.push(t.key);
          const result = outcome(t);
          t.status = result.ok ? 'completed' : 'failed';
          return result;
        },
      } as unknown as TaskAttempts,
      { wave: () => ({}) as TaskWave } as unknown as TaskWriteBatches,
      {
        suspend: async (_goal: GoalRow, held: ApprovalPending[]) =>
          void record.suspended.push(...held),
      } as unknown as ApprovalHolds,
      {
        move: async (_goal: GoalRow, to: string) => void record.moves.push(to),
      } as unknown as GoalTransitions,
      {
        replanOrFail: async (_goal: GoalRow, reason: string) => void record.replans.push(reason),
      } as unknown as ReplanStep,
      {
        run: async (failure: GoalFailure) => void record.failures.push(failure),
      } as unknown as FailStep,
      { ahead: () => false } as unknown as VerifyStep,
    );
    await step.run(goal, scope);
    return record;
  }

  it('runs each task after its dependencies, then moves on to VERIFYING', async () => {
    const record = await execute('PARALLEL_EXECUTING', [
      task('c', ['a', 'b']),
      task('a'),
      task('b', ['a']),
    ]);
    expect(record.order).toEqual(['a', 'b', 'c']);
    expect(record.moves).toEqual(['VERIFYING']);
  });

  it('a task that failed for good replans the goal and starts nothing after it', async () => {
    const record = await execute('EXECUTING', [task('a'), task('b', ['a'])], (t) =>
      t.key === 'a' ? { ok: false, error: 'boom' } : { ok: true },
    );
    expect(record.order).toEqual(['a']);
    expect(record.replans).toEqual(['task a (a) failed: boom']);
    expect(record.moves).toEqual([]);
  });

  it('a fatal safety violation fails the goal; an action waiting for approval holds it', async () => {
    const violation = {} as SafetyViolation;
    const fatal = await execute('EXECUTING', [task('a')], () => ({
      ok: false,
      error: 'deletes the root',
      fatal: violation,
    }));
    expect(fatal.failures).toEqual([
      { tenantId: 't1', goalId: 'g1', reasons: ['task a (a): deletes the root'] },
    ]);
    expect(fatal.replans).toEqual([]);

    const hold = {} as ApprovalPending;
    const held = await execute('EXECUTING', [task('a')], () => ({
      ok: false,
      error: 'needs approval',
      hold,
    }));
    expect(held.suspended).toEqual([hold]);
    expect(held.failures).toEqual([]);
    expect(held.moves).toEqual([]);
  });
});
