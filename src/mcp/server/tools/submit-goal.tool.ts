import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessContext } from '../../../access/access-context';
import type { GoalsService } from '../../../governor/goals.service';
import { PATTERNS } from '../../../governor/pattern';
import { runAsCaller } from './tool-results';

export const SUBMIT_GOAL_PERMISSION = 'goal:create';

/** `submit_goal`: the goals API's POST /api/v1/goals. */
export function registerSubmitGoal(
  server: McpServer,
  access: AccessContext,
  goals: GoalsService,
): void {
  server.registerTool(
    'submit_goal',
    {
      title: 'Submit a goal',
      description:
        'Submits a goal in natural language for the agents to carry out. It runs asynchronously: follow it with goal_status.',
      inputSchema: {
        goal: z.string().min(1).describe('What you want done, in natural language'),
        title: z.string().max(200).optional().describe('A short title; derived when omitted'),
        priority: z.number().int().min(0).max(10).optional().describe('Higher runs first (5)'),
        pattern: z.enum(PATTERNS).optional().describe('Execution pattern; chosen when omitted'),
        metadata: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('Free-form JSON kept with the goal'),
      },
      outputSchema: { goal_id: z.string(), status: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    (args) =>
      runAsCaller(access, SUBMIT_GOAL_PERMISSION, () =>
        goals.submit(access.tenantId, args, access.principal.id),
      ),
  );
}
