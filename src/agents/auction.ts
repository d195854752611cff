import { taskTypeOf, TaskRequirements } from './agent-kinds';
import { Candidate, capabilityMatch, smoothedSuccessRate } from './selection';

export interface Bid {
  agentId: string;
  agentName: string;
  expectedQuality: number;
  costTokens: number;
  timeMs: number;
  value: number;
}

export interface AuctionResult {
  bids: Bid[];
  winner: Bid;
  reason: string;
}

/** Defaults bid by an agent with no history of its own. */
export const UNKNOWN_COST_TOKENS = 1000;
export const UNKNOWN_TIME_MS = 5000;
const COST_WEIGHT = 0.1;
const TIME_WEIGHT = 0.05;

/**
 * The agent's bid from its history: expected quality is its smoothed success on this task
 * type (on all tasks when it has none of this type) scaled by capability fit; cost and time
 * are its averages.
 */
export function bidFor(
  candidate: Candidate,
  task: Pick<TaskRequirements, 'capabilities'>,
): Omit<Bid, 'value'> {
  const type = candidate.stats.taskTypeScores[taskTypeOf(task)];
  const quality =
    type && type.tasks > 0
      ? smoothedSuccessRate(type.successes, type.tasks)
      : smoothedSuccessRate(candidate.stats.successes, candidate.stats.tasks);
  const fit = capabilityMatch(candidate.capabilities, task.capabilities);
  return {
    agentId: candidate.id,
    agentName: candidate.name,
    expectedQuality: round(quality * (0.5 + 0.5 * fit)),
    costTokens: Math.round(candidate.stats.tasks ? candidate.stats.avgTokens : UNKNOWN_COST_TOKENS),
    timeMs: Math.round(candidate.stats.tasks ? candidate.stats.avgDurationMs : UNKNOWN_TIME_MS),
  };
}

/**
 * Sealed-bid auction: value = quality − 0.1·(cost / highest cost) − 0.05·(time / longest
 * time). Best value wins; ties go to the cheaper bid.
 */
export function runAuction(
  candidates: readonly Candidate[],
  task: Pick<TaskRequirements, 'capabilities'>,
): AuctionResult | undefined {
  if (!candidates.length) return undefined;
  // only agents with some of the required capabilities bid (all do when none has any)
  const capable = candidates.filter((c) => capabilityMatch(c.capabilities, task.capabilities) > 0);
  const raw = (capable.length ? capable : candidates).map((c) => bidFor(c, task));
  const maxCost = Math.max(1, ...raw.map((b) => b.costTokens));
  const maxTime = Math.max(1, ...raw.map((b) => b.timeMs));
  const bids = raw
    .map((b) => ({
      ...b,
      value: round(
        b.expectedQuality -
          COST_WEIGHT * (b.costTokens / maxCost) -
          TIME_WEIGHT * (b.timeMs / maxTime),
      ),
    }))
    .sort(
      (a, b) =>
        b.value - a.value || a.costTokens - b.costTokens || a.agentName.localeCompare(b.agentName),
    );
  const winner = bids[0];
  const second = bids[1];
  const reason = `${winner.agentName} bid the best value ${winner.value} (quality ${winner.expectedQuality}, ${winner.costTokens} tokens, ${winner.timeMs} ms)${second ? ` over ${second.agentName} ${second.value}` : ''}`;
  return { bids, winner, reason };
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
