/** When the best agent for a task is not good enough, and whether a new one may be spawned. */
export interface SpawnLimits {
  threshold: number;
  perGoal: number;
  running: number;
}

export type SpawnDecision =
  | { spawn: false; reason: string }
  | { spawn: true; reason: string }
  | { spawn: false; blocked: true; check: 'agents_spawned' | 'concurrency'; reason: string };

/** `bestFit` is the best requirement fit (see `requirementFit`); undefined when nobody can bid. */
export function decideSpawn(
  bestScore: number | undefined,
  spawnedForGoal: number,
  runningAgents: number,
  limits: SpawnLimits,
): SpawnDecision {
  if (bestScore !== undefined && bestScore >= limits.threshold)
    return {
      spawn: false,
      reason: `best fit ${bestScore} reaches the threshold ${limits.threshold}`,
    };
  const why =
    bestScore === undefined
      ? 'no agent can take the task'
      : `best fit ${bestScore} is below the threshold ${limits.threshold}`;
  if (spawnedForGoal >= limits.perGoal)
    return {
      spawn: false,
      blocked: true,
      check: 'agents_spawned',
      reason: `${why}, but the goal already spawned ${spawnedForGoal} agents (limit ${limits.perGoal})`,
    };
  if (runningAgents >= limits.running)
    return {
      spawn: false,
      blocked: true,
      check: 'concurrency',
      reason: `${why}, but ${runningAgents} agents are running (limit ${limits.running})`,
    };
  return { spawn: true, reason: why };
}

export type BlockedSpawn = Extract<SpawnDecision, { blocked: true }>;

/**
 * Ephemeral workers (a swarm's), spawned together: how many of `wanted` the limits allow,
 * each one counting against both limits, and the decision that stopped the rest.
 */
export function decideWorkerSpawns(
  wanted: number,
  spawnedForGoal: number,
  runningAgents: number,
  limits: SpawnLimits,
): { allowed: number; spawnReason: string; blocked?: BlockedSpawn } {
  let spawnReason = '';
  for (let allowed = 0; allowed < wanted; allowed++) {
    const decision = decideSpawn(
      undefined,
      spawnedForGoal + allowed,
      runningAgents + allowed,
      limits,
    );
    if ('blocked' in decision) return { allowed, spawnReason, blocked: decision };
    spawnReason = decision.reason;
  }
  return { allowed: wanted, spawnReason };
}
