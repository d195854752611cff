import { DomainError } from '#common';

/**
 * A plugin's `goal.before_create` handler refused the goal: 422, since the request is
 * well formed and the caller may submit it, but a policy the tenant runs turned it down.
 */
export class GoalRefusedByPlugin extends DomainError {
  constructor(plugin: string, reason: string) {
    super(
      422,
      'goal-refused-by-plugin',
      'Goal refused by a plugin',
      `Plugin ${plugin} refused the goal: ${reason}`,
      { plugin, reason },
    );
  }
}
