import type { DataSource } from 'typeorm';
import type { AgentRuntime, GoalScope } from '../../agents/agent-runtime.service';
import type { NewGoalEvent } from '../../events/goal-event-log.service';
import type { GoalRuns } from '../goal-runs';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import type { CriticVerdict } from '../../planning/schemas';
import type { GoalTransitions } from './goal-transitions';
import type { ReplanStep } from './replan.step';
import { VerifyStep } from './verify.step';

/** The verification step with fakes around it: what it decides from a verdict. */
describe('VerifyStep', () => {
  const goal = { id: 'g1', tenant_id: 't1', goal: 'Research cats', state: 'VERIFYING' } as GoalRow;
  const scope: GoalScope = { tenantId: 't1', goalId: 'g1' };

  function task(key: string, text: string, dependsOn: string[] = []): TaskRow {
    return {
      key,
      title: key,
      status: 'completed',
      depends_on: dependsOn,
      acceptance_criteria: null,
      output: { text, tool_calls: [] },
    } as unknown as TaskRow;
  }

  function stepWith(verdict: Omit<CriticVerdict, 'provider'>, tasks: TaskRow[]) {
    const advanced: unknown[][] = [];
    const replans: Array<{ reason: string; precededBy: NewGoalEvent[] }> = [];
    const step = new VerifyStep(
      { manager: {} } as DataSource,
      { verify: async () => ({ ...verdict, provider: 'fake' }) } as unknown as AgentRuntime,
      { planTasksOf: async () => tasks, get: () => undefined } as unknown as GoalRuns,
      {
        advance: async (...args: unknown[]) => void advanced.push(args),
      } as unknown as GoalTransitions,
      {
        replanOrFail: async (_goal: GoalRow, reason: string, precededBy: NewGoalEvent[] = []) =>
          void replans.push({ reason, precededBy }),
      } as unknown as ReplanStep,
    );
    return { step, advanced, replans };
  }

  it('a passed verdict stores the result of the final tasks and moves on to WRITING_MEMORY', async () => {
    const { step, advanced, replans } = stepWith(
      { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] },
      [task('a', 'cats purr'), task('b', 'summary of cats', ['a'])],
    );
    await step.run(goal, scope);
    expect(replans).toHaveLength(0);
    expect(advanced).toHaveLength(1);
    const [, , from, to, patch, , events] = advanced[0] as [
      unknown,
      unknown,
      string,
      string,
      { result: { summary: string; outputs: Record<string, string> } },
      unknown,
      NewGoalEvent[],
    ];
    expect([from, to]).toEqual(['VERIFYING', 'WRITING_MEMORY']);
    expect(patch.result.summary).toBe('summary of cats');
    expect(patch.result.outputs).toEqual({ a: 'cats purr', b: 'summary of cats' });
    expect(events).toEqual([
      {
        type: 'critic.verdict',
        data: { passed: true, score: 0.9, feedback: 'good', provider: 'fake', failed_tasks: [] },
      },
    ]);
  });

  it('a rejected verdict replans with its feedback, recording task keys the plan does not have apart', async () => {
    const { step, advanced, replans } = stepWith(
      { passed: false, score: 0.3, feedback: 'too short', failed_tasks: ['a', 'zz'] },
      [task('a', 'cats')],
    );
    await step.run(goal, scope);
    expect(advanced).toHaveLength(0);
    expect(replans).toEqual([
      {
        reason: 'the critic rejected the result (score 0.3): too short',
        precededBy: [
          {
            type: 'critic.verdict',
            data: {
              passed: false,
              score: 0.3,
              feedback: 'too short',
              provider: 'fake',
              failed_tasks: ['a'],
              ignored_failed_tasks: ['zz'],
            },
          },
        ],
      },
    ]);
  });

  it('the deterministic checks reject a result the critic passed when a task has no text', async () => {
    const { step, replans } = stepWith({ passed: true, score: 1, feedback: '', failed_tasks: [] }, [
      task('a', 'cats'),
      task('b', '   '),
    ]);
    await step.run(goal, scope);
    expect(replans).toHaveLength(1);
    expect(replans[0].reason).toMatch(/score 0\.5\): Checks failed: b: output_schema/);
  });
});
