import {
  applyOutcome,
  Candidate,
  emptyStats,
  errorKindOf,
  rankCandidates,
  requirementFit,
  scoreCandidate,
  selectAgent,
} from './selection';

const now = new Date('2026-11-25T12:00:00Z');

function agent(name: string, capabilities: string[], patch: Partial<Candidate> = {}): Candidate {
  return { id: name, name, capabilities, specializations: [], stats: emptyStats(), ...patch };
}

function withHistory(c: Candidate, type: string, outcomes: boolean[], tokens = 100): Candidate {
  let stats = c.stats;
  for (const success of outcomes)
    stats = applyOutcome(stats, { taskType: type, success, tokens, durationMs: 10, at: now });
  return { ...c, stats };
}

describe('selection score', () => {
  it('is exactly 0.5 + 0.4·success + 0.3·type + 0.2·capability + 0.1·recency', () => {
    const c = withHistory(agent('a', ['research']), 'research', [true, true, true, false]);
    const s = scoreCandidate(c, { capabilities: ['research'] }, now);
    const b = s.breakdown;
    expect(b).toEqual({
      base: 0.5,
      success_rate: expect.closeTo((3 + 1) / (4 + 2), 4),
      task_type_match: expect.closeTo(4 / 6, 4),
      capability_match: 1,
      recency_bonus: 1,
    });
    expect(s.score).toBeCloseTo(
      0.5 + 0.4 * b.success_rate + 0.3 * b.task_type_match + 0.2 * 1 + 0.1 * 1,
      3,
    );
    for (const v of Object.values(b)) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of Object.values(b)) expect(v).toBeLessThanOrEqual(1);
  });

  it('gives a new agent the neutral prior, not zero (no cold-start starvation)', () => {
    const s = scoreCandidate(agent('new', ['research']), { capabilities: ['research'] }, now);
    expect(s.breakdown).toMatchObject({
      success_rate: 0.5,
      task_type_match: 0.5,
      recency_bonus: 0.5,
    });
    const failing = withHistory(agent('bad', ['research']), 'research', [false, false, false]);
    expect(
      rankCandidates([failing, agent('new', ['research'])], { capabilities: ['research'] }, now)[0]
        .candidate.name,
    ).toBe('new');
  });

  it('counts the share of required capabilities, and decays recency by half a day', () => {
    expect(
      scoreCandidate(agent('a', ['web']), { capabilities: ['web', 'code'] }, now).breakdown
        .capability_match,
    ).toBe(0.5);
    const old = {
      ...agent('a', []),
      stats: { ...emptyStats(), lastActive: new Date(now.getTime() - 24 * 3600_000) },
    };
    expect(scoreCandidate(old, { capabilities: [] }, now).breakdown.recency_bonus).toBeCloseTo(
      0.5,
      3,
    );
  });

  it('breaks ties by lower average tokens, and says why', () => {
    const cheap = withHistory(agent('cheap', ['x']), 'x', [true], 50);
    const costly = withHistory(agent('costly', ['x']), 'x', [true], 500);
    const result = selectAgent([costly, cheap], { capabilities: ['x'] }, { now })!;
    expect(result.chosen.candidate.name).toBe('cheap');
    expect(result.reason).toMatch(/tie broken by lower average tokens/);
  });

  it('switches away from an agent that keeps failing a task type', () => {
    let alpha = agent('alpha', ['forecast'], { specializations: ['forecast'] });
    const beta = agent('beta', ['forecast']);
    expect(
      selectAgent([alpha, beta], { capabilities: ['forecast'] }, { now })!.chosen.candidate.name,
    ).toBe('alpha');
    alpha = withHistory(alpha, 'forecast', [false, false]);
    expect(
      selectAgent([alpha, beta], { capabilities: ['forecast'] }, { now })!.chosen.candidate.name,
    ).toBe('beta');
  });

  it('never prefers an agent with none of the required capabilities over one with some', () => {
    const star = withHistory(agent('star', ['general']), 'general', Array(30).fill(true));
    const fit = agent('fit', ['forecast']);
    const ranked = rankCandidates([star, fit], { capabilities: ['forecast'] }, now);
    expect(ranked.map((r) => [r.candidate.name, r.eligible])).toEqual([
      ['fit', true],
      ['star', false],
    ]);
    expect(requirementFit(ranked[1].breakdown)).toBeCloseTo(0.65, 4);
  });

  it('explores only under-tried agents within the margin, at the given rate', () => {
    const best = withHistory(agent('best', ['x']), 'x', Array(20).fill(true));
    const newcomer = agent('newcomer', ['x']);
    const poor = withHistory(agent('poor', ['x']), 'x', Array(20).fill(false));
    const never = selectAgent(
      [best, newcomer, poor],
      { capabilities: ['x'] },
      { now, explorationRate: 0 },
    )!;
    expect(never.chosen.candidate.name).toBe('best');
    const tried = selectAgent(
      [best, newcomer, poor],
      { capabilities: ['x'] },
      { now, explorationRate: 0.5, explorationMargin: 0.5, random: () => 0 },
    )!;
    expect(tried).toMatchObject({ explored: true });
    expect(tried.chosen.candidate.name).toBe('newcomer');
    const bounded = selectAgent(
      [best, poor],
      { capabilities: ['x'] },
      { now, explorationRate: 0.5, explorationMargin: 0.5, random: () => 0 },
    )!;
    expect(bounded.chosen.candidate.name).toBe('best'); // poor has enough trials
  });
});

describe('learning from outcomes', () => {
  it('folds an outcome into counts, averages, per-type scores and error kinds', () => {
    let s = applyOutcome(emptyStats(), {
      taskType: 'a',
      success: true,
      tokens: 100,
      durationMs: 10,
      at: now,
    });
    s = applyOutcome(s, {
      taskType: 'a',
      success: false,
      tokens: 300,
      durationMs: 30,
      errorKind: 'timeout',
      at: now,
    });
    expect(s).toMatchObject({
      tasks: 2,
      successes: 1,
      failures: 1,
      avgTokens: 200,
      avgDurationMs: 20,
      taskTypeScores: { a: { tasks: 2, successes: 1 } },
      errorKinds: { timeout: 1 },
      lastActive: now,
    });
  });

  it('names error kinds', () => {
    expect(errorKindOf('LLM provider openai failed after 1 attempt')).toBe('llm_error');
    expect(errorKindOf('progress ledger stopped task t1: loop detected')).toBe('loop');
    expect(errorKindOf('timed out after 5 ms')).toBe('timeout');
  });
});
