import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from '../database/transaction';
import type { NewGoalEvent } from '../events/goal-event-log.service';
import type { TaskRequirements } from './agent-kinds';
import { AgentBidRepository } from './agent-bid.repository';
import { AgentProfileRow, candidateOf } from './agent-profile.store';
import { AuctionResult, runAuction } from './auction';

export type AuctionedTask = TaskRequirements & { id: string; key: string };

/** One finished auction: the task, its bids and the award. */
export interface Award {
  task: AuctionedTask;
  result: AuctionResult;
}

/**
 * The market pattern: a task is auctioned; bids and the award are recorded on the goal.
 * Auctions of one assignment round are decided first and recorded together (`record`).
 */
@Injectable()
export class MarketAuction {
  constructor(private readonly bids: AgentBidRepository) {}

  auction(task: AuctionedTask, bidders: readonly AgentProfileRow[]): Award | undefined {
    const result = runAuction(bidders.map(candidateOf), task);
    return result ? { task, result } : undefined;
  }

  /** The auction.awarded event of an award (appended by the caller with its other events). */
  awardEvent({ task, result }: Award): NewGoalEvent {
    return {
      type: 'auction.awarded',
      taskId: task.id,
      data: {
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
    };
  }

  /** Stores every bid of the awards in one statement, inside the caller's transaction. */
  async record(
    uow: UnitOfWork,
    tenantId: string,
    goalId: string,
    awards: readonly Award[],
  ): Promise<void> {
    const bids = awards.flatMap(({ task, result }) =>
      result.bids.map((bid) => ({
        task_id: task.id,
        agent_id: bid.agentId,
        expected_quality: bid.expectedQuality,
        cost_tokens: bid.costTokens,
        time_ms: bid.timeMs,
        value: bid.value,
        awarded: bid === result.winner,
      })),
    );
    await this.bids.insertMany(uow.manager, tenantId, goalId, bids);
  }
}
