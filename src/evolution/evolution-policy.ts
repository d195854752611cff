/** Pure decision rules of the evolver (no Nest), unit-tested. */
export interface ArmStats {
  id: string;
  name: string;
  status: 'testing' | 'champion' | 'retired';
  trials: number;
  successes: number;
  mean_tokens: number;
}

export interface Decision {
  promote?: { id: string; reason: string };
  retire: Array<{ id: string; reason: string }>;
}

export function successRate(arm: ArmStats): number {
  return arm.trials ? arm.successes / arm.trials : 0;
}

const pct = (x: number) => x.toFixed(2);

/**
 * Once every live arm has `minTrials` finished trials, the best success rate (fewer tokens
 * breaks ties) wins if it beats each other arm by `minUplift`; those arms are retired with
 * the numbers as the reason. An experiment that stays undecided for 4× the trials retires
 * its challengers (no measurable gain).
 */
export function decide(arms: ArmStats[], minTrials: number, minUplift: number): Decision {
  const live = arms.filter((a) => a.status !== 'retired');
  const decision: Decision = { retire: [] };
  if (live.length < 2 || live.some((a) => a.trials < minTrials)) return decision;
  const ranked = [...live].sort(
    (a, b) => successRate(b) - successRate(a) || a.mean_tokens - b.mean_tokens,
  );
  const best = ranked[0];
  const losers = ranked
    .slice(1)
    .filter((a) => successRate(best) - successRate(a) >= minUplift - 1e-9);
  for (const loser of losers)
    decision.retire.push({
      id: loser.id,
      reason: `lost to ${best.name}: success rate ${pct(successRate(loser))} vs ${pct(successRate(best))} over ${loser.trials} and ${best.trials} trials (margin needed ${pct(minUplift)})`,
    });
  if (losers.length && best.status === 'testing')
    decision.promote = {
      id: best.id,
      reason: `won with success rate ${pct(successRate(best))} over ${best.trials} trials`,
    };
  if (!losers.length && live.every((a) => a.trials >= minTrials * 4)) {
    for (const arm of live.filter((a) => a.status === 'testing'))
      decision.retire.push({
        id: arm.id,
        reason: `no measurable gain after ${arm.trials} trials (success rate ${pct(successRate(arm))} vs ${pct(successRate(best))})`,
      });
  }
  return decision;
}

/** Fair split: the arm with the fewest trials so far; ties broken by the goal id's hash. */
export function chooseArm<T extends { id: string; trials: number }>(arms: T[], goalId: string): T {
  const fewest = Math.min(...arms.map((a) => a.trials));
  const candidates = arms
    .filter((a) => a.trials === fewest)
    .sort((a, b) => a.id.localeCompare(b.id));
  let h = 0;
  for (const ch of goalId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return candidates[h % candidates.length];
}
