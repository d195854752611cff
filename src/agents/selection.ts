import { normalizeCapabilities, taskTypeOf, TaskRequirements } from './agent-kinds';

/** Learned statistics of one agent profile. */
export interface TypeScore {
  tasks: number;
  successes: number;
}

export interface AgentStats {
  tasks: number;
  successes: number;
  failures: number;
  avgTokens: number;
  avgDurationMs: number;
  taskTypeScores: Record<string, TypeScore>;
  errorKinds: Record<string, number>;
  lastActive: Date | null;
}

export interface Candidate {
  id: string;
  name: string;
  capabilities: string[];
  specializations: string[];
  stats: AgentStats;
}

export interface ScoreBreakdown {
  base: 0.5;
  success_rate: number;
  task_type_match: number;
  capability_match: number;
  recency_bonus: number;
}

export interface ScoredCandidate {
  candidate: Candidate;
  score: number;
  breakdown: ScoreBreakdown;
  /** False when the agent has none of the required capabilities while another has some. */
  eligible: boolean;
}

export interface SelectionOptions {
  now?: Date;
  /** Probability of trying an under-tried near-best agent instead of the best. */
  explorationRate?: number;
  /** Only agents within this score distance of the best are explored. */
  explorationMargin?: number;
  /** Agents with fewer outcomes than this count as under-tried. */
  explorationTrials?: number;
  random?: () => number;
}

export interface Selection {
  chosen: ScoredCandidate;
  ranked: ScoredCandidate[];
  explored: boolean;
  reason: string;
}

export const WEIGHTS = {
  success_rate: 0.4,
  task_type_match: 0.3,
  capability_match: 0.2,
  recency_bonus: 0.1,
};
/** Pseudo-outcomes of the neutral prior: a new agent counts as 1 success in 2 tasks. */
const PRIOR_WEIGHT = 2;
const NEUTRAL = 0.5;
const RECENCY_HALF_LIFE_MS = 24 * 3600_000;

export function emptyStats(): AgentStats {
  return {
    tasks: 0,
    successes: 0,
    failures: 0,
    avgTokens: 0,
    avgDurationMs: 0,
    taskTypeScores: {},
    errorKinds: {},
    lastActive: null,
  };
}

/** Success rate smoothed toward the neutral prior, so new agents start at 0.5, not 0 or 1. */
export function smoothedSuccessRate(successes: number, tasks: number, prior = NEUTRAL): number {
  return (successes + prior * PRIOR_WEIGHT) / (tasks + PRIOR_WEIGHT);
}

/** Fraction of the required capabilities the agent has (1 when nothing is required). */
export function capabilityMatch(agentCaps: readonly string[], required: readonly string[]): number {
  const need = normalizeCapabilities(required).filter((c) => c !== 'general');
  if (!need.length) return 1;
  const have = new Set(normalizeCapabilities(agentCaps));
  return need.filter((c) => have.has(c)).length / need.length;
}

/**
 * How well the agent fits this task type: its per-type history smoothed toward a prior
 * that is 1 for a declared specialization and neutral otherwise.
 */
export function taskTypeMatch(candidate: Candidate, taskType: string): number {
  const specialized = candidate.specializations.includes(taskType);
  const prior = specialized ? 1 : NEUTRAL;
  const history = candidate.stats.taskTypeScores[taskType];
  if (!history || history.tasks === 0) return prior;
  return smoothedSuccessRate(history.successes, history.tasks, prior);
}

/** 1 when active just now, halving every day; neutral for an agent never used. */
export function recencyBonus(lastActive: Date | null, now: Date): number {
  if (!lastActive) return NEUTRAL;
  const age = Math.max(0, now.getTime() - lastActive.getTime());
  return Math.pow(0.5, age / RECENCY_HALF_LIFE_MS);
}

/** The seed's score: 0.5 + 0.4·success + 0.3·type match + 0.2·capability match + 0.1·recency. */
export function scoreCandidate(
  candidate: Candidate,
  task: Pick<TaskRequirements, 'capabilities'>,
  now = new Date(),
): ScoredCandidate {
  const breakdown: ScoreBreakdown = {
    base: 0.5,
    success_rate: round(smoothedSuccessRate(candidate.stats.successes, candidate.stats.tasks)),
    task_type_match: round(taskTypeMatch(candidate, taskTypeOf(task))),
    capability_match: round(capabilityMatch(candidate.capabilities, task.capabilities)),
    recency_bonus: round(recencyBonus(candidate.stats.lastActive, now)),
  };
  const score =
    breakdown.base +
    WEIGHTS.success_rate * breakdown.success_rate +
    WEIGHTS.task_type_match * breakdown.task_type_match +
    WEIGHTS.capability_match * breakdown.capability_match +
    WEIGHTS.recency_bonus * breakdown.recency_bonus;
  return { candidate, score: round(score), breakdown, eligible: true };
}

/**
 * How well an agent fits a task's requirements alone (no track record, no recency):
 * 0.5 + 0.3·task_type_match + 0.2·capability_match, in [0.5, 1]. Spawning compares the
 * best fit with the threshold, so a capability gap spawns even when a generalist has a
 * good overall record.
 */
export function requirementFit(breakdown: ScoreBreakdown): number {
  return round(
    breakdown.base +
      WEIGHTS.task_type_match * breakdown.task_type_match +
      WEIGHTS.capability_match * breakdown.capability_match,
  );
}

/**
 * Highest score first; ties by lower average tokens, then by name for stability. An agent
 * with none of the required capabilities is ranked after every agent with some of them
 * (it stays eligible only when nobody has any), so a strong record never outweighs
 * being unable to do the work.
 */
export function rankCandidates(
  candidates: readonly Candidate[],
  task: Pick<TaskRequirements, 'capabilities'>,
  now = new Date(),
): ScoredCandidate[] {
  const scored = candidates.map((c) => scoreCandidate(c, task, now));
  const anyCapable = scored.some((s) => s.breakdown.capability_match > 0);
  for (const s of scored) s.eligible = !anyCapable || s.breakdown.capability_match > 0;
  return scored.sort(
    (a, b) =>
      Number(b.eligible) - Number(a.eligible) ||
      b.score - a.score ||
      a.candidate.stats.avgTokens - b.candidate.stats.avgTokens ||
      a.candidate.name.localeCompare(b.candidate.name) ||
      a.candidate.id.localeCompare(b.candidate.id),
  );
}

/**
 * Picks the best-scoring agent. Exploration is bounded: with probability
 * `explorationRate` an under-tried agent scoring within `explorationMargin` of the best
 * is tried instead, so a near-best newcomer gets outcomes without risking a poor one.
 */
export function selectAgent(
  candidates: readonly Candidate[],
  task: Pick<TaskRequirements, 'capabilities'>,
  options: SelectionOptions = {},
): Selection | undefined {
  const ranked = rankCandidates(candidates, task, options.now ?? new Date());
  if (!ranked.length) return undefined;
  const eligible = ranked.filter((r) => r.eligible);
  const best = ranked[0];
  const rate = options.explorationRate ?? 0;
  const margin = options.explorationMargin ?? 0.1;
  const trials = options.explorationTrials ?? 5;
  const random = options.random ?? Math.random;
  let chosen = best;
  let explored = false;
  if (rate > 0 && random() < rate) {
    const pool = eligible.filter(
      (r) => r !== best && r.candidate.stats.tasks < trials && best.score - r.score <= margin,
    );
    if (pool.length) {
      chosen = pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))];
      explored = true;
    }
  }
  return { chosen, ranked, explored, reason: explain(chosen, ranked, explored) };
}

function explain(chosen: ScoredCandidate, ranked: ScoredCandidate[], explored: boolean): string {
  const b = chosen.breakdown;
  const parts = `success ${b.success_rate}, type match ${b.task_type_match}, capabilities ${b.capability_match}, recency ${b.recency_bonus}`;
  const runnerUp = ranked.find((r) => r !== chosen && r.eligible);
  const versus = runnerUp
    ? `; next best ${runnerUp.candidate.name} ${runnerUp.score}${runnerUp.score === chosen.score ? ' (tie broken by lower average tokens)' : ''}`
    : '; the only candidate';
  const how = explored
    ? 'explored (under-tried and within the exploration margin of the best)'
    : 'highest score';
  return `${chosen.candidate.name} ${how}: ${chosen.score} (${parts})${versus}`;
}

export interface Outcome {
  taskType: string;
  success: boolean;
  tokens: number;
  durationMs: number;
  errorKind?: string;
  at: Date;
}

/** The learning step: folds one task outcome into the profile's statistics. */
export function applyOutcome(stats: AgentStats, outcome: Outcome): AgentStats {
  const tasks = stats.tasks + 1;
  const type = stats.taskTypeScores[outcome.taskType] ?? { tasks: 0, successes: 0 };
  const errorKinds = { ...stats.errorKinds };
  if (!outcome.success && outcome.errorKind)
    errorKinds[outcome.errorKind] = (errorKinds[outcome.errorKind] ?? 0) + 1;
  return {
    tasks,
    successes: stats.successes + (outcome.success ? 1 : 0),
    failures: stats.failures + (outcome.success ? 0 : 1),
    avgTokens: stats.avgTokens + (outcome.tokens - stats.avgTokens) / tasks,
    avgDurationMs: stats.avgDurationMs + (outcome.durationMs - stats.avgDurationMs) / tasks,
    taskTypeScores: {
      ...stats.taskTypeScores,
      [outcome.taskType]: {
        tasks: type.tasks + 1,
        successes: type.successes + (outcome.success ? 1 : 0),
      },
    },
    errorKinds,
    lastActive: outcome.at,
  };
}

/** A short, stable name for an error, for the error-kind histogram. */
export function errorKindOf(message: string): string {
  const m = message.toLowerCase();
  if (m.includes('loop') || m.includes('stall')) return 'loop';
  if (m.includes('timed out') || m.includes('timeout')) return 'timeout';
  if (m.includes('terminated')) return 'terminated';
  if (m.includes('tool rounds')) return 'tool_rounds';
  if (m.includes('validation')) return 'invalid_output';
  if (m.includes('llm provider')) return 'llm_error';
  if (m.includes('tool')) return 'tool_error';
  return 'other';
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}
