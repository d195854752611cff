import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessContext } from '../../../access/access-context';
import { GOAL_STATUSES } from '../../../goal-records/goal-fsm';
import type { GoalsService } from '../../../governor/goals.service';
import { runAsCaller } from './tool-results';

const [firstStatus, ...otherStatuses] = GOAL_STATUSES;

const goalSummary = z.looseObject({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  state: z.string(),
  created_at: z.string(),
});

/** `list_goals`: the tenant's goals, newest first (GET /api/v1/goals). */
export function registerListGoals(
  server: McpServer,
  access: AccessContext,
  goals: GoalsService,
): void {
  server.registerTool(
    'list_goals',
    {
      title: 'List goals',
      description: 'Lists your goals, newest first, optionally only those with one status.',
      inputSchema: {
        status: z.enum([firstStatus, ...otherStatuses]).optional(),
        limit: z.number().int().min(1).max(100).default(20),
      },
      outputSchema: { goals: z.array(goalSummary), total: z.number() },
      annotations: { readOnlyHint: true },
    },
    ({ status, limit }) =>
      runAsCaller(access, 'goal:read', async () => {
        const page = await goals.list(access.tenantId, status, limit, 0);
        return {
          goals: page.items.map((g) => ({
            id: g.id,
            title: g.title,
            status: g.status,
            state: g.state,
            created_at: g.timings.created_at,
            completed_at: g.timings.completed_at,
          })),
          total: page.total,
        };
      }),
  );
}
