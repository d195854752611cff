import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessContext } from '../../../access/access-context';
import type { ApprovalsService } from '../../../approvals/approvals.service';
import type { GoalsService } from '../../../governor/goals.service';
import { runAsCaller } from './tool-results';

/**
 * `goal_status`: a goal's status, its result once finished, its tasks, and the actions
 * waiting for a human (their `approval_id` is what `approve` takes).
 */
export function registerGoalStatus(
  server: McpServer,
  access: AccessContext,
  goals: GoalsService,
  approvals: ApprovalsService,
): void {
  server.registerTool(
    'goal_status',
    {
      title: 'Goal status',
      description:
        "A goal's status and FSM state, its result and summary once finished, its tasks with their status, and the approvals it waits for.",
      inputSchema: { goal_id: z.uuid() },
      outputSchema: {
        goal_id: z.string(),
        title: z.string(),
        status: z.string(),
        state: z.string(),
        summary: z.string().nullable(),
        result: z.record(z.string(), z.unknown()).nullable(),
        failure_reasons: z.array(z.string()),
        tasks: z.array(z.looseObject({ id: z.string(), key: z.string(), status: z.string() })),
        pending_approvals: z.array(z.looseObject({ approval_id: z.string(), tool: z.string() })),
      },
      annotations: { readOnlyHint: true },
    },
    ({ goal_id: goalId }) =>
      runAsCaller(access, 'goal:read', async () => {
        const goal = await goals.get(access.tenantId, goalId);
        const tasks = await goals.tasks(access.tenantId, goalId);
        const requested = await approvals.list(access.tenantId, goalId);
        const summary = goal.result?.summary;
        return {
          goal_id: goal.id,
          title: goal.title,
          status: goal.status,
          state: goal.state,
          summary: typeof summary === 'string' ? summary : null,
          result: goal.result,
          failure_reasons: goal.failure_reasons,
          tasks: tasks.items.map((t) => ({
            id: t.id,
            key: t.key,
            title: t.title,
            status: t.status,
            agent_kind: t.agent_kind,
            error: t.error,
          })),
          pending_approvals: requested.items
            .filter((a) => a.status === 'pending')
            .map((a) => ({
              approval_id: a.id,
              task_id: a.task_id,
              tool: a.tool,
              args: a.args,
              categories: a.categories,
              reason: a.reason,
              expires_at: a.expires_at,
            })),
        };
      }),
  );
}
