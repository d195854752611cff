import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessContext } from '../../../access/access-context';
import type { ApprovalsService } from '../../../approvals/approvals.service';
import { runAsCaller } from './tool-results';

/** `approve`: a human decision on a held action (POST /api/v1/goals/{id}/approve). */
export function registerApprove(
  server: McpServer,
  access: AccessContext,
  approvals: ApprovalsService,
): void {
  server.registerTool(
    'approve',
    {
      title: 'Approve or reject an action',
      description:
        'Decides an action a goal waits on (its approval_id is in goal_status). Approval resumes the goal; rejection sends it to replanning with the comment as feedback.',
      inputSchema: {
        approval_id: z.uuid(),
        decision: z.enum(['approve', 'reject']),
        comment: z.string().max(2000).optional().describe('Why; shown to the planner on rejection'),
      },
      outputSchema: {
        approval: z.looseObject({ id: z.string(), status: z.string() }),
        goal_state: z.string(),
        goal_status: z.string(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    ({ approval_id: approvalId, decision, comment }) =>
      runAsCaller(access, 'goal:approve', () =>
        approvals.decideById(access.tenantId, approvalId, { decision, comment }, access.principal),
      ),
  );
}
