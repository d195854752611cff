import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import type { TaskRequirements } from './agent-kinds';
import { AgentProfileRow, candidateOf } from './agent-profile.store';
import { AuctionResult, runAuction } from './auction';

/** The market pattern: a task is auctioned; bids and the award are recorded on the goal. */
@Injectable()
export class MarketAuction {
  constructor(private readonly events: GoalEventLog) {}

  async auction(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    task: TaskRequirements & { id: string; key: string },
    bidders: readonly AgentProfileRow[],
  ): Promise<AuctionResult | undefined> {
    const result = runAuction(bidders.map(candidateOf), task);
    if (!result) return undefined;
    for (const bid of result.bids) {
      await uow.manager.query(
        `INSERT INTO agent_bids (tenant_id, goal_id, task_id, agent_id, expected_quality, cost_tokens, time_ms, value, awarded)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [
          tenantId,
          goalId,
          task.id,
          bid.agentId,
          bid.expectedQuality,
          bid.costTokens,
          bid.timeMs,
          bid.value,
          bid === result.winner,
        ],
      );
    }
    await this.events.append(
      uow,
      tenantId,
      goalId,
      'auction.awarded',
      {
        task_id: task.id,
        task_key: task.key,
        agent_id: result.winner.agentId,
        reason: result.reason,
        bids: result.bids.map((b) => ({
          agent_id: b.agentId,
          agent_name: b.agentName,
          expected_quality: b.expectedQuality,
          cost_tokens: b.costTokens,
          time_ms: b.timeMs,
          value: b.value,
        })),
      },
      task.id,
    );
    return result;
  }
}
