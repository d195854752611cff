import type { GoalsService } from '../governor/goals.service';

const FINISHED = ['completed', 'failed', 'cancelled'];

/** A goal once it has finished (completed, failed or cancelled), read through the service. */
export async function settledGoal(
  goals: Pick<GoalsService, 'get'>,
  tenantId: string,
  goalId: string,
  timeoutMs = 20_000,
): ReturnType<GoalsService['get']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const goal = await goals.get(tenantId, goalId);
    if (FINISHED.includes(goal.status)) return goal;
    if (Date.now() > deadline) throw new Error(`goal still ${goal.status} (${goal.state})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
