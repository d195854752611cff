import type { GoalScope } from '../../agents/agent-runtime.service';
import { DEFAULT_TENANT_ID } from '../../common/request-context';
import { GoalEventLog } from '../../events/goal-event-log.service';
import type { InProcessApp } from '../../testing/in-process-app';
import { insertReceivedGoal } from '../../testing/received-goal';
import { GoalLeases } from '../goal-lease.service';
import { GoalStore } from '../goal-store.service';
import { GoalRepository } from '../../goal-records/goal.repository';
import type { GoalRow } from '../../goal-records/goal.types';
import { GoalsService } from '../goals.service';
import { AnalyseIntentStep } from './analyse-intent.step';
import { CompleteStep } from './complete.step';
import { ExecuteStep } from './execute.step';
import { FailStep } from './fail.step';
import { PlanStep } from './plan.step';
import { ReplanStep } from './replan.step';
import { VerifyStep } from './verify.step';

const T = DEFAULT_TENANT_ID;

/**
 * The FSM's steps one by one on an in-memory PGlite (offline model), each called the way
 * the runner calls it, on goals no runner drives.
 */
export function goalStepsSuite(product: InProcessApp): void {
  describe('goal steps in process (offline model, in-memory PGlite)', () => {
    let store: GoalStore;

    beforeAll(async () => {
      store = product.app.get(GoalStore);
    });

    /** A goal in RECEIVED that is not queued, so only the test moves it. */
    async function receivedGoal(text: string): Promise<GoalRow> {
      const id = await insertReceivedGoal(product, T, text);
      return store.get(T, id);
    }

    const scopeOf = (goal: GoalRow): GoalScope => ({
      tenantId: T,
      goalId: goal.id,
      signal: new AbortController().signal,
    });

    async function eventTypes(goalId: string): Promise<string[]> {
      return (await product.app.get(GoalEventLog).list(T, goalId)).map((e) => e.type);
    }

    it('takes a goal from RECEIVED to COMPLETED, one step at a time', async () => {
      let goal = await receivedGoal('Research cats. Research dogs.');
      const analysis = product.app.get(AnalyseIntentStep);

      await analysis.receive(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      expect(goal.state).toBe('INTENT_ANALYSIS');
      expect(goal.started_at).not.toBeNull();

      await analysis.run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      expect(goal).toMatchObject({ state: 'TASK_DECOMPOSITION' });
      expect(goal.intent).toMatchObject({ provider: 'offline' });
      expect(goal.pattern).toBeTruthy();

      // the plan and its assignment commit together
      await product.app.get(PlanStep).run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      expect(['EXECUTING', 'PARALLEL_EXECUTING']).toContain(goal.state);
      expect(goal.plan_version).toBe(1);
      const planned = await store.tasks(T, goal.id, 1);
      expect(planned.length).toBeGreaterThanOrEqual(2);
      expect(planned.every((t) => t.status === 'pending' && t.agent_id)).toBe(true);

      await product.app.get(ExecuteStep).run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      expect(goal.state).toBe('VERIFYING');
      expect((await store.tasks(T, goal.id, 1)).map((t) => t.status)).toEqual(
        planned.map(() => 'completed'),
      );

      await product.app.get(VerifyStep).run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      expect(goal.state).toBe('WRITING_MEMORY');
      expect(goal.result).toMatchObject({ summary: expect.any(String) });

      await product.app.get(CompleteStep).writeMemory(goal);
      goal = await store.get(T, goal.id);
      expect(goal).toMatchObject({ state: 'COMPLETED', status: 'completed' });
      expect(goal.completed_at).not.toBeNull();

      const types = await eventTypes(goal.id);
      for (const type of [
        'goal.intent',
        'plan.created',
        'task.started',
        'task.completed',
        'critic.verdict',
        'memory.written',
        'reflection.recorded',
      ])
        expect(types).toContain(type);
      expect(types.at(-1)).toBe('goal.completed');
    });

    it('replans with the reason as feedback, then fails with every reason on record', async () => {
      let goal = await receivedGoal('Write a haiku. Translate it.');
      await product.app.get(AnalyseIntentStep).receive(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      await product.app.get(AnalyseIntentStep).run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);
      await product.app.get(PlanStep).run(goal, scopeOf(goal));
      goal = await store.get(T, goal.id);

      const replan = product.app.get(ReplanStep);
      await replan.replanOrFail(goal, 'task t1 failed: boom');
      goal = await store.get(T, goal.id);
      expect(goal).toMatchObject({
        state: 'REPLANNING',
        replan_count: 1,
        feedback: 'task t1 failed: boom',
        failure_reasons: ['task t1 failed: boom'],
      });
      expect((await store.tasks(T, goal.id, 1)).every((t) => t.status === 'superseded')).toBe(true);

      await replan.run(goal);
      expect((await store.get(T, goal.id)).state).toBe('TASK_DECOMPOSITION');

      const failure = product.app.get(FailStep);
      await failure.run({ tenantId: T, goalId: goal.id, reasons: ['the planner gave up'] });
      goal = await store.get(T, goal.id);
      expect(goal).toMatchObject({
        state: 'FAILED',
        status: 'failed',
        failure_reasons: ['the planner gave up'],
      });
      // a goal that already finished is left as it is
      await failure.run({ tenantId: T, goalId: goal.id, reasons: ['again'] });
      expect((await store.get(T, goal.id)).failure_reasons).toEqual(['the planner gave up']);
      const types = await eventTypes(goal.id);
      expect(types.filter((type) => type === 'goal.replanning')).toHaveLength(1);
      expect(types.filter((type) => type === 'goal.failed')).toHaveLength(1);

      const { items } = await product.app.get(GoalsService).list(T, 'failed');
      expect(items.map((item) => item.id)).toContain(goal.id);
    });

    it('keeps a goal to one lease holder until it is released or the goal finishes', async () => {
      const goal = await receivedGoal('Say hello.');
      const leases = product.app.get(GoalLeases);
      const goals = product.app.get(GoalRepository);
      expect((await leases.acquire(T, goal.id))?.lease_owner).toBe(leases.owner);
      expect(await goals.acquireLease(T, goal.id, 'another-process', 30_000)).toBeUndefined();
      expect(await leases.renew(T, goal.id)).toBe(true);
      expect(await goals.renewLease(T, goal.id, 'another-process', 30_000)).toBe(false);
      await leases.release(T, goal.id);
      expect((await goals.acquireLease(T, goal.id, 'another-process', 30_000))?.lease_owner).toBe(
        'another-process',
      );
      await product.app.get(FailStep).run({ tenantId: T, goalId: goal.id, reasons: ['stop'] });
      expect(await leases.acquire(T, goal.id)).toBeUndefined();
      expect(await goals.renewLease(T, goal.id, 'another-process', 30_000)).toBe(false);
    });
  });
}
