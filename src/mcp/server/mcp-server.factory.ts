import { Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AccessContext } from '../../access/access-context';
import { ApprovalsService } from '../../approvals/approvals.service';
import { GoalsService } from '../../governor/goals.service';
import { MemoryService } from '../../memory/memory.service';
import { registerApprove } from './tools/approve.tool';
import { registerGoalStatus } from './tools/goal-status.tool';
import { registerListGoals } from './tools/list-goals.tool';
import { registerMemorySearch } from './tools/memory-search.tool';
import { registerSubmitGoal } from './tools/submit-goal.tool';

export const MCP_SERVER_NAME = 'agent-village';

/** Builds the MCP server one authenticated request talks to: every tool acts as its caller. */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly goals: GoalsService,
    private readonly approvals: ApprovalsService,
    private readonly memory: MemoryService,
  ) {}

  create(access: AccessContext): McpServer {
    const server = new McpServer(
      { name: MCP_SERVER_NAME, title: 'Agent Village', version: '1.0.0' },
      {
        instructions:
          'Submit goals to Agent Village, follow them with goal_status, decide the actions they wait on with approve, and search what the agents remember.',
      },
    );
    registerSubmitGoal(server, access, this.goals);
    registerGoalStatus(server, access, this.goals, this.approvals);
    registerListGoals(server, access, this.goals);
    registerApprove(server, access, this.approvals);
    registerMemorySearch(server, access, this.memory);
    return server;
  }
}
