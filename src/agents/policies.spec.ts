import { specialistFor, taskTypeOf } from './agent-kinds';
import { runAuction } from './auction';
import { applyChecks, checkTask, requiredTerms } from './critic-checks';
import { fingerprint, LoopDetector } from './ledger-policy';
import { applyOutcome, Candidate, emptyStats } from './selection';
import { decideSpawn, decideWorkerSpawns } from './spawn-policy';
import { aggregate, divideOffline, runUnits } from './swarm';

const now = new Date();
function agent(name: string, caps: string[], history: boolean[] = [], tokens = 100): Candidate {
  let stats = emptyStats();
  for (const success of history)
    stats = applyOutcome(stats, {
      taskType: taskTypeOf({ capabilities: caps }),
      success,
      tokens,
      durationMs: 100,
      at: now,
    });
  return { id: name, name, capabilities: caps, specializations: [], stats };
}

describe('agent kinds', () => {
  it('derives task types and specialists from requirements', () => {
    expect(taskTypeOf({ capabilities: ['Writing', 'research', 'general'] })).toBe(
      'research+writing',
    );
    expect(taskTypeOf({ capabilities: [] })).toBe('general');
    const s = specialistFor({
      title: 'Tune the cluster',
      description: '',
      capabilities: ['kubernetes'],
    });
    expect(s).toMatchObject({
      kind: 'tool_agent',
      name: 'specialist-kubernetes',
      capabilities: ['kubernetes'],
      specializations: ['kubernetes'],
    });
    expect(s.systemPrompt.startsWith('[agent-village:tool_agent]')).toBe(true);
  });
});

describe('spawning', () => {
  const limits = { threshold: 0.75, perGoal: 2, running: 3 };
  it('spawns below the threshold, within the limits, and says which limit stopped it', () => {
    expect(decideSpawn(0.8, 0, 0, limits)).toMatchObject({ spawn: false });
    expect(decideSpawn(0.65, 0, 0, limits)).toMatchObject({ spawn: true });
    expect(decideSpawn(undefined, 0, 0, limits)).toMatchObject({ spawn: true });
    expect(decideSpawn(0.65, 2, 0, limits)).toMatchObject({
      blocked: true,
      check: 'agents_spawned',
    });
    expect(decideSpawn(0.65, 0, 3, limits)).toMatchObject({ blocked: true, check: 'concurrency' });
  });

  it('spawns workers together up to the first limit, each counting against both', () => {
    expect(decideWorkerSpawns(2, 0, 0, limits)).toEqual({
      allowed: 2,
      spawnReason: 'no agent can take the task',
    });
    expect(decideWorkerSpawns(5, 1, 0, limits)).toMatchObject({
      allowed: 1,
      blocked: { check: 'agents_spawned', reason: expect.stringMatching(/already spawned 2/) },
    });
    expect(decideWorkerSpawns(5, 0, 2, { ...limits, perGoal: 9 })).toMatchObject({
      allowed: 1,
      blocked: { check: 'concurrency', reason: expect.stringMatching(/3 agents are running/) },
    });
    expect(decideWorkerSpawns(0, 0, 0, limits)).toMatchObject({ allowed: 0 });
  });
});

describe('market', () => {
  it('awards the agent whose history for the task type is best, recording every bid', () => {
    const result = runAuction(
      [
        agent('good', ['x'], [true, true, true]),
        agent('bad', ['x'], [false, false, true]),
        agent('new', ['x']),
      ],
      { capabilities: ['x'] },
    )!;
    expect(result.winner.agentName).toBe('good');
    expect(result.bids).toHaveLength(3);
    expect(result.reason).toMatch(/good bid the best value/);
  });
  it('prefers the cheaper of two equally good bidders', () => {
    const result = runAuction(
      [agent('costly', ['x'], [true, true], 900), agent('cheap', ['x'], [true, true], 100)],
      { capabilities: ['x'] },
    )!;
    expect(result.winner.agentName).toBe('cheap');
  });
  it('lets only capable agents bid', () => {
    const result = runAuction(
      [agent('star', ['other'], Array(20).fill(true)), agent('fit', ['x'])],
      { capabilities: ['x'] },
    )!;
    expect(result.bids.map((b) => b.agentName)).toEqual(['fit']);
  });
});

describe('progress ledger', () => {
  it('flags a repeated action as looping and stops after the stall limit', () => {
    const d = new LoopDetector(3);
    const act = { action: [{ tool: 'text_stats', args: { text: 'a' } }] };
    expect(d.observe(act)).toMatchObject({ looping: false, progressing: true, mustStop: false });
    expect(d.observe({ action: [{ tool: 'text_stats', args: { text: 'b' } }] })).toMatchObject({
      looping: false,
    });
    expect(d.observe(act)).toMatchObject({ looping: true, stalls: 1, mustStop: false });
    expect(d.observe(act)).toMatchObject({ stalls: 2, mustStop: false });
    const last = d.observe(act);
    expect(last).toMatchObject({ stalls: 3, mustStop: true });
    expect(last.nextInstruction).toMatch(/^stop/);
  });
  it('counts empty steps as stalls and fingerprints independent of key order and spacing', () => {
    const d = new LoopDetector(2);
    expect(d.observe({ output: '  ' })).toMatchObject({ progressing: false, stalls: 1 });
    expect(fingerprint({ action: { a: 1, b: 2 } })).toBe(fingerprint({ action: { b: 2, a: 1 } }));
    expect(fingerprint({ output: 'Hello   World' })).toBe(fingerprint({ output: 'hello world' }));
    expect(fingerprint({ output: 'one' })).not.toBe(fingerprint({ output: 'two' }));
  });
});

describe('swarm', () => {
  it('divides a description into units offline', () => {
    expect(divideOffline('- a\n- b\n- c', 2).units).toEqual([
      { key: 'u1', instruction: 'a' },
      { key: 'u2', instruction: 'b' },
    ]);
    expect(divideOffline('One thing.', 5).units).toHaveLength(1);
  });
  it('runs units in parallel up to the bound and keeps failures as results', async () => {
    let inFlight = 0;
    let peak = 0;
    const units = Array.from({ length: 9 }, (_, i) => ({ key: `u${i}`, instruction: String(i) }));
    const { results } = await runUnits(units, 3, async (u) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (u.key === 'u4') throw new Error('boom');
      return `r${u.instruction}`;
    });
    expect(peak).toBe(3);
    expect(results.filter((r) => !r.ok).map((r) => r.error)).toEqual(['boom']);
  });
  it('merges with dedupe, or votes', () => {
    const r = (key: string, text: string) => ({ key, ok: true, text, durationMs: 1 });
    const merged = aggregate([r('u1', 'Paris'), r('u2', 'paris '), r('u3', 'Lyon')], 'merge');
    expect(merged).toMatchObject({
      text: '[u1] Paris\n[u3] Lyon',
      duplicatesRemoved: 1,
      succeeded: 3,
    });
    const voted = aggregate(
      [
        r('u1', 'Paris'),
        r('u2', 'Lyon'),
        r('u3', 'paris'),
        { key: 'u4', ok: false, error: 'x', durationMs: 1 },
      ],
      'vote',
    );
    expect(voted).toMatchObject({ text: 'Paris', failed: 1 });
  });
});

describe('critic checks', () => {
  const task = (text: string, tool_calls: unknown[] = [], criteria: string | null = null) => ({
    key: 't1',
    status: 'completed',
    acceptance_criteria: criteria,
    output: { text, tool_calls },
  });
  it('flags claims of tool work without tool evidence', () => {
    expect(checkTask(task('I read the file config.yml and it says 3.'))).toEqual([
      expect.objectContaining({ check: 'hallucination' }),
    ]);
    expect(
      checkTask(task('I read the file config.yml.', [{ tool: 'read_file', ok: true }])),
    ).toEqual([]);
    expect(checkTask(task('I fetched the page', [{ tool: 'http_get', ok: false }]))).toHaveLength(
      1,
    );
  });
  it('checks the output schema and quoted required terms', () => {
    expect(checkTask({ ...task(''), output: { text: '' } })[0].check).toBe('output_schema');
    expect(requiredTerms('The report must mention "latency" and should include "p99".')).toEqual([
      'latency',
      'p99',
    ]);
    expect(
      checkTask(task('latency is fine', [], 'must mention "latency" and must include "p99"')),
    ).toEqual([
      expect.objectContaining({
        check: 'acceptance_criteria',
        detail: expect.stringContaining('p99'),
      }),
    ]);
  });
  it('fails the verdict with specific feedback and a lower score', () => {
    const v = applyChecks({ passed: true, score: 0.9, feedback: 'ok' }, [
      task('I ran the script, all good.'),
      { ...task('fine'), key: 't2' },
    ]);
    expect(v).toMatchObject({ passed: false, score: 0.5 });
    expect(v.feedback).toMatch(/t1: hallucination: claims running code/);
    expect(applyChecks({ passed: true, score: 0.9, feedback: 'ok' }, [task('fine')])).toMatchObject(
      { passed: true, score: 0.9 },
    );
  });
});

describe('swarm merge keeps results that differ only in numbers', () => {
  it('does not treat "unit 1" and "unit 2" as duplicates', () => {
    const r = (key: string, text: string) => ({ key, ok: true, text, durationMs: 1 });
    expect(aggregate([r('u1', 'result 1'), r('u2', 'result 2')], 'merge').duplicatesRemoved).toBe(
      0,
    );
  });
});
