import { DEFAULT_TENANT_ID } from '../common/request-context';
import type { InProcessApp } from '../testing/in-process-app';
import { GoalsService } from './goals.service';
import { settledGoal } from '../testing/settled-goal';

/** The governor in process: the real services and steps on an in-memory PGlite. */
export function goalsServiceSuite(product: InProcessApp): void {
  describe('GoalsService in process (offline model, in-memory PGlite)', () => {
    let goals: GoalsService;

    beforeAll(async () => {
      goals = product.app.get(GoalsService);
    });

    const settled = (goalId: string) => settledGoal(goals, DEFAULT_TENANT_ID, goalId);

    it('drives a multi-step goal from submission to COMPLETED with one task per step', async () => {
      const { goal_id } = await goals.submit(
        DEFAULT_TENANT_ID,
        { goal: 'Research cats. Research dogs. Research birds.' },
        null,
      );
      const goal = await settled(goal_id);
      expect(goal).toMatchObject({ status: 'completed', state: 'COMPLETED' });
      const { items: tasks } = await goals.tasks(DEFAULT_TENANT_ID, goal_id);
      expect(tasks.length).toBeGreaterThanOrEqual(3);
      expect(tasks.every((task) => task.status === 'completed')).toBe(true);
      const { items: events } = await goals.events(DEFAULT_TENANT_ID, goal_id);
      const types = events.map((event) => event.type);
      expect(types[0]).toBe('goal.created');
      expect(types.filter((type) => type === 'goal.completed')).toHaveLength(1);
    });

    it('refuses to cancel a goal that has already finished', async () => {
      const { goal_id } = await goals.submit(DEFAULT_TENANT_ID, { goal: 'Say hello.' }, null);
      await settled(goal_id);
      await expect(goals.cancel(DEFAULT_TENANT_ID, goal_id)).rejects.toMatchObject({
        status: 409,
      });
    });
  });
}
