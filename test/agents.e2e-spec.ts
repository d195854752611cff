import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';

/**
 * Agents through the scripted OpenAI-compatible server: the goal text carries
 * tags (`{complexity:X}`, `{caps:a,b}`, `{tasks:N}`, `{units:N}`, `{loop}`) that the
 * scripted intent analyzer, planner and swarm coordinator read, so each test shapes its
 * own goal on one shared server.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- event payloads are asserted field by field
type Payload = Record<string, any>;

function text(request: ChatRequestBody): string {
  return (request.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')))
    .join('\n');
}
function tag(request: ChatRequestBody, name: string): string | undefined {
  return new RegExp(`\\{${name}:([^}]*)\\}`).exec(text(request))?.[1];
}
function system(request: ChatRequestBody): string {
  const first = request.messages?.[0];
  return typeof first?.content === 'string' ? first.content : '';
}

function script(server: ScriptedLlmServer): void {
  server.when('[agent-village:intent_analyzer]', (r) => ({
    json: {
      objective: 'do it',
      capabilities: (tag(r, 'caps') ?? 'analysis').split(','),
      complexity: tag(r, 'complexity') ?? 'SIMPLE',
      risk: 'LOW',
    },
  }));
  server.when('[agent-village:planner]', (r) => {
    const n = Number(tag(r, 'tasks') ?? 2);
    const caps = (tag(r, 'taskcaps') ?? tag(r, 'caps') ?? 'analysis').split('|');
    const fixed = text(r).includes('previous attempt was rejected');
    return {
      json: {
        tasks: Array.from({ length: n }, (_, i) => ({
          key: `t${i + 1}`,
          title: `part ${i + 1}`,
          description: fixed
            ? `Answer directly {fixed} part ${i + 1}`
            : `Do part ${i + 1} of the work`,
          depends_on: [],
          capabilities: (caps[i] ?? caps[0]).split(','),
          acceptance_criteria: 'a non-empty answer',
        })),
      },
    };
  });
  server.when('[agent-village:swarm_coordinator]', (r) => {
    const n = Number(tag(r, 'units') ?? 2);
    return {
      json: {
        units: Array.from({ length: n }, (_, i) => ({
          key: `u${i + 1}`,
          instruction: `unit ${i + 1}`,
        })),
        aggregation: 'merge',
      },
    };
  });
  server.when('[agent-village:critic]', {
    json: { passed: true, score: 0.9, feedback: 'fine', failed_tasks: [] },
  });
  server.when((r) => system(r).includes('[agent-village:agent:alpha-'), {
    status: 400,
    message: 'alpha cannot do this',
  });
  server.when(
    (r) => system(r).includes('[agent-village:swarm_worker]') && text(r).includes('{slow}'),
    (r) => ({
      content: `worker result ${/unit \d+/.exec(text(r))?.[0]}`,
      latencyMs: 200,
    }),
  );
  server.when(
    (r) =>
      text(r).includes('{loop}') &&
      !text(r).includes('{fixed}') &&
      system(r).includes('[agent-village:tool_agent]'),
    {
      toolCalls: [{ name: 'text_stats', arguments: { text: 'the same thing again' } }],
    },
  );
  server.otherwise((r) => ({
    content: `result of ${/Your task \(([^)]+)\)/.exec(text(r))?.[1] ?? 'the task'}`,
  }));
}

describe('agents: kinds, selection, spawning, patterns, ledger (scripted LLM)', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    await server.start();
    script(server);
    app = await startApp({
      env: {
        ...server.productEnv(),
        LLM_API_KEY: 'test',
        LLM_RETRY_BASE_MS: '1',
        TASK_RETRY_BASE_MS: '1',
        AGENT_EXPLORATION_RATE: '0',
        // the suite's goals share most words: a plan recalled from an earlier goal (the
        // pattern check's two parallel tasks) would replace the one the test scripts
        MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  async function submit(goal: string, pattern?: string): Promise<string> {
    const res = await api.post('/api/v1/goals', { goal, ...(pattern ? { pattern } : {}) });
    expect(res.status).toBe(202);
    return res.body.goal_id;
  }
  async function finished(id: string) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: `goal ${id} to finish`, timeoutMs: 60000 },
    );
  }
  async function events(
    id: string,
  ): Promise<Array<{ type: string; data: Payload; created_at: string }>> {
    return (await api.get(`/api/v1/goals/${id}/events?limit=1000`)).body.items;
  }
  async function createAgent(name: string, capabilities: string[], specializations: string[] = []) {
    const res = await api.post('/api/v1/agents', {
      kind: 'tool_agent',
      name,
      capabilities,
      specializations,
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('chooses the pattern from the complexity: single, single+memory, council, council+swarm (parallel), market', async () => {
    const ids: Record<string, string> = {};
    for (const c of ['TRIVIAL', 'SIMPLE', 'MODERATE', 'COMPLEX', 'STRATEGIC'])
      ids[c] = await submit(`Pattern check ${run} {complexity:${c}} {tasks:2} {units:3}`);
    const goals: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies
    for (const [c, id] of Object.entries(ids)) goals[c] = await finished(id);
    expect(
      Object.fromEntries(Object.entries(goals).map(([c, g]) => [c, [g.status, g.pattern]])),
    ).toEqual({
      TRIVIAL: ['completed', 'single'],
      SIMPLE: ['completed', 'single'],
      MODERATE: ['completed', 'council'],
      COMPLEX: ['completed', 'swarm'],
      STRATEGIC: ['completed', 'market'],
    });
    const log: Record<string, Awaited<ReturnType<typeof events>>> = {};
    for (const [c, id] of Object.entries(ids)) log[c] = await events(id);
    const states = (c: string) =>
      log[c].filter((e) => e.type === 'goal.status').map((e) => e.data.to);
    const memory = (c: string) => log[c].find((e) => e.type === 'memory.written')!.data.kinds;
    expect(memory('TRIVIAL')).toEqual([]);
    expect(memory('SIMPLE')).toEqual(
      expect.arrayContaining(['episodic', 'procedural', 'strategic']),
    );
    // council: planner → agents one after another → critic
    expect(states('MODERATE')).toEqual(expect.arrayContaining(['EXECUTING', 'VERIFYING']));
    expect(states('MODERATE')).not.toContain('PARALLEL_EXECUTING');
    expect(log.MODERATE.some((e) => e.type === 'critic.verdict')).toBe(true);
    // council + swarm: the planner's independent tasks run side by side (they are the units)
    expect(states('COMPLEX')).toContain('PARALLEL_EXECUTING');
    expect(log.COMPLEX.some((e) => e.type === 'swarm.started')).toBe(false);
    // market: every task auctioned, bids recorded, the winner assigned
    const awards = log.STRATEGIC.filter((e) => e.type === 'auction.awarded');
    expect(awards).toHaveLength(2);
    expect(awards[0].data.bids.length).toBeGreaterThanOrEqual(1);
    const assigned = log.STRATEGIC.filter((e) => e.type === 'agent.assigned');
    expect(assigned.map((e) => e.data.agent_id)).toEqual(awards.map((e) => e.data.agent_id));
    expect(log.SIMPLE.some((e) => e.type === 'auction.awarded' || e.type === 'swarm.started')).toBe(
      false,
    );
    // every assignment explains itself
    const single = log.SIMPLE.find((e) => e.type === 'agent.assigned')!;
    expect(single.data.reason).toMatch(/score/);
    expect(Object.keys(single.data.breakdown).sort()).toEqual([
      'base',
      'capability_match',
      'recency_bonus',
      'success_rate',
      'task_type_match',
    ]);
  });

  it('a swarm of 10 workers with 200 ms model calls takes about one call, not ten; workers are retired', async () => {
    const id = await submit(
      `Swarm timing ${run} {complexity:COMPLEX} {tasks:1} {units:10} {slow}`,
      'swarm',
    );
    const goal = await finished(id);
    expect(goal.status).toBe('completed');
    const log = await events(id);
    const done = log.find((e) => e.type === 'swarm.completed');
    expect({ swarm: Boolean(done), types: log.map((e) => e.type) }).toMatchObject({ swarm: true });
    expect(done!.data).toMatchObject({ units: 10, succeeded: 10, failed: 0 });
    expect(done!.data.wall_ms).toBeGreaterThanOrEqual(200);
    expect(done!.data.wall_ms).toBeLessThan(1000); // sequential would be 2000 ms (the bench measures the ratio)
    const workerCalls = server.requests.filter(
      (r) =>
        text(r.body).includes(`Swarm timing ${run}`) &&
        system(r.body).includes('[agent-village:swarm_worker]'),
    );
    expect(workerCalls).toHaveLength(10);
    const spread =
      Math.max(...workerCalls.map((r) => r.receivedAt)) -
      Math.min(...workerCalls.map((r) => r.receivedAt));
    expect(spread).toBeLessThan(400); // all ten were in flight together (one after another: >= 1800)
    const tasks = (await api.get(`/api/v1/goals/${id}/tasks`)).body.items;
    expect(tasks[0].output.text.split('\n')).toHaveLength(10);
    // every call is accounted, the workers' (stored together) included: 16 completion tokens each
    const goalCalls = server.requests.filter((r) => text(r.body).includes(`Swarm timing ${run}`));
    expect(goal.usage.llm_calls).toBe(goalCalls.length);
    expect(tasks[0].usage.completion_tokens).toBe(16 * 11); // the coordinator and ten workers
    // a plan without parallel tasks is divided by the coordinator among ephemeral workers, retired after
    const spawned = log.filter((e) => e.type === 'agent.spawned' && e.data.ephemeral);
    expect(spawned).toHaveLength(10);
    expect(
      log
        .filter((e) => e.type === 'agent.retired')
        .map((e) => e.data.agent_id)
        .sort(),
    ).toEqual(spawned.map((e) => e.data.agent_id).sort());
    for (const e of spawned)
      expect((await api.get(`/api/v1/agents/${e.data.agent_id}`)).body).toMatchObject({
        kind: 'swarm_worker',
        status: 'retired',
        stats: { tasks: 1, successes: 1 },
      });
  });

  it('learns from outcomes: a failing agent is replaced, and the auction awards the best history', async () => {
    const cap = `forecast${run}`;
    const alpha = await createAgent(`alpha-${run}`, [cap], [cap]);
    const beta = await createAgent(`beta-${run}`, [cap]);

    // alpha is the specialist, so it goes first; its model calls fail; after two failures the retry goes to beta
    const first = await submit(`Learn ${run} one {complexity:TRIVIAL} {caps:${cap}}`);
    expect((await finished(first)).status).toBe('completed');
    const assigned = (await events(first)).filter((e) => e.type === 'agent.assigned');
    expect(assigned.map((e) => e.data.agent_id)).toEqual([alpha.id, beta.id]);
    expect(assigned[1].data.reason).toMatch(/reassigned after a failed attempt/);

    const a = (await api.get(`/api/v1/agents/${alpha.id}`)).body;
    expect(a.stats).toMatchObject({
      tasks: 2,
      failures: 2,
      successes: 0,
      error_kinds: { llm_error: 2 },
    });
    expect(a.stats.task_type_scores[cap]).toEqual({ tasks: 2, successes: 0, success_rate: 0 });
    expect((await api.get(`/api/v1/agents/${beta.id}`)).body.stats).toMatchObject({
      tasks: 1,
      successes: 1,
      success_rate: 1,
    });

    // the next task of that type goes straight to beta
    const second = await submit(`Learn ${run} two {complexity:TRIVIAL} {caps:${cap}}`);
    expect((await finished(second)).status).toBe('completed');
    expect(
      (await events(second)).filter((e) => e.type === 'agent.assigned').map((e) => e.data.agent_id),
    ).toEqual([beta.id]);

    const ranked = (await api.get(`/api/v1/agents/recommend?task=anything&capabilities=${cap}`))
      .body;
    expect(ranked.candidates[0]).toMatchObject({ agent_id: beta.id });
    expect(
      ranked.candidates.find((c: { agent_id: string }) => c.agent_id === alpha.id).breakdown
        .task_type_match,
    ).toBeLessThan(ranked.candidates[0].breakdown.task_type_match);

    // a strategic goal auctions the task: beta's history for this type wins
    const market = await submit(
      `Learn ${run} market {complexity:STRATEGIC} {tasks:1} {caps:${cap}}`,
    );
    expect((await finished(market)).status).toBe('completed');
    const award = (await events(market)).find((e) => e.type === 'auction.awarded')!;
    expect(award.data.agent_id).toBe(beta.id);
    const bids = Object.fromEntries(
      award.data.bids.map((b: { agent_id: string; expected_quality: number }) => [
        b.agent_id,
        b.expected_quality,
      ]),
    );
    expect(bids[beta.id]).toBeGreaterThan(bids[alpha.id]);
    expect(award.data.reason).toMatch(new RegExp(`beta-${run} bid the best value`));
  });

  it('spawns a specialist for a capability nobody has, and reuses it for the next similar task', async () => {
    const cap = `quantum${run}`;
    const before = (await api.get(`/api/v1/agents/recommend?task=x&capabilities=${cap}`)).body;
    expect(before.would_spawn).toBe(true);

    const first = await submit(`Gap ${run} one {complexity:TRIVIAL} {caps:${cap}}`);
    expect((await finished(first)).status).toBe('completed');
    const firstLog = await events(first);
    // the plan's events are written before the spawn, which happens in the same transaction
    expect(
      firstLog
        .map((e) => (e.type === 'goal.status' ? `status:${e.data.to}` : e.type))
        .filter((t) =>
          [
            'plan.created',
            'status:AGENT_ASSIGNMENT',
            'agent.spawned',
            'agent.assigned',
            'status:EXECUTING',
          ].includes(t),
        ),
    ).toEqual([
      'plan.created',
      'status:AGENT_ASSIGNMENT',
      'agent.spawned',
      'agent.assigned',
      'status:EXECUTING',
    ]);
    const spawned = firstLog.filter((e) => e.type === 'agent.spawned');
    expect(spawned).toHaveLength(1);
    expect(spawned[0].data).toMatchObject({
      agent_kind: 'tool_agent',
      capabilities: [cap],
      ephemeral: false,
    });
    const specialist = spawned[0].data.agent_id;

    const second = await submit(`Gap ${run} two {complexity:TRIVIAL} {caps:${cap}}`);
    expect((await finished(second)).status).toBe('completed');
    const log = await events(second);
    expect(log.some((e) => e.type === 'agent.spawned')).toBe(false);
    expect(log.find((e) => e.type === 'agent.assigned')!.data.agent_id).toBe(specialist);
    const profile = (await api.get(`/api/v1/agents/${specialist}`)).body;
    expect(profile).toMatchObject({
      status: 'idle',
      specializations: [cap],
      stats: { tasks: 2, successes: 2, reuse_count: 1 },
    });
    expect(profile.system_prompt).toContain(`${cap}`);
  });

  it('catches a model repeating the same action as a loop and replans instead of spinning', async () => {
    const id = await submit(`Loop ${run} {complexity:TRIVIAL} {loop}`);
    const goal = await finished(id);
    expect(goal.status).toBe('completed');
    const log = await events(id);
    const stalled = log.find((e) => e.type === 'ledger.stalled')!;
    expect(stalled.data).toMatchObject({ task_key: 't1', stalls: 3 });
    const replans = log.filter((e) => e.type === 'goal.replanning');
    expect(replans).toHaveLength(1);
    expect(replans[0].data.reason).toMatch(/loop detected/);
    // stopped after 4 identical turns: not 8 tool rounds × 3 attempts
    const looping = server.requests.filter(
      (r) =>
        text(r.body).includes(`Loop ${run}`) &&
        text(r.body).includes('{loop}') &&
        !text(r.body).includes('{fixed}') &&
        system(r.body).includes('[agent-village:tool_agent]'),
    );
    expect(looping).toHaveLength(4);
    expect(log.filter((e) => e.type === 'task.started' && e.data.task_key === 't1').length).toBe(2); // one attempt per plan

    const ledger = (await api.get(`/api/v1/goals/${id}/ledger`)).body;
    expect(ledger.goal_id).toBe(id);
    const turns = ledger.items.filter(
      (r: { kind: string; plan_version: number }) => r.kind === 'turn' && r.plan_version === 1,
    );
    expect(turns.map((r: { is_looping: boolean }) => r.is_looping)).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(new Set(turns.map((r: { fingerprint: string }) => r.fingerprint)).size).toBe(1);
    expect(turns[3].next_instruction).toMatch(/^stop/);
    const last = ledger.items.at(-1);
    expect(last).toMatchObject({
      kind: 'task',
      plan_version: 2,
      is_satisfied: true,
      is_progressing: true,
    });
    expect(
      (await api.get('/api/v1/goals/0190f0c4-0000-7000-8000-000000000000/ledger')).status,
    ).toBe(404);
  });

  it('manages profiles through the API and answers bad input with problem+json', async () => {
    const list = await api.get('/api/v1/agents?kind=critic');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      kind: 'critic',
      builtin: true,
      status: 'idle',
      stats: { tasks: 0 },
    });
    const kinds = new Set(
      (await api.get('/api/v1/agents?limit=200')).body.items.map((a: { kind: string }) => a.kind),
    );
    for (const k of [
      'governor',
      'planner',
      'critic',
      'tool_agent',
      'swarm_coordinator',
      'evolver',
      'memory_keeper',
    ])
      expect(kinds).toContain(k);
    const total = (await api.get('/api/v1/agents?limit=1')).body.total;

    const bad = await api.post('/api/v1/agents', {
      kind: 'wizard',
      name: 'Bad Name',
      capabilities: 'x',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      expect.arrayContaining(['capabilities', 'extra', 'kind', 'name']),
    );
    expect((await api.get('/api/v1/agents?status=sleeping')).status).toBe(400);
    expect((await api.get('/api/v1/agents/recommend')).body.errors[0].field).toBe('task');
    expect((await api.get('/api/v1/agents/not-a-uuid')).status).toBe(400);
    const missing = await api.get('/api/v1/agents/0190f0c4-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.type).toMatch(/agent-not-found/);

    const made = await createAgent(`api-${run}`, ['writing']);
    const dup = await api.post('/api/v1/agents', {
      kind: 'tool_agent',
      name: `api-${run}`,
      capabilities: ['writing'],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].field).toBe('name');
    const patched = await api.patch(`/api/v1/agents/${made.id}`, {
      capabilities: ['writing', 'editing'],
      specializations: ['editing+writing'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, capabilities: ['editing', 'writing'] });
    expect((await api.patch(`/api/v1/agents/${made.id}`, { capabilities: 'nope' })).status).toBe(
      400,
    );
    expect((await api.post(`/api/v1/agents/${made.id}/terminate`)).status).toBe(409); // nothing running

    const retired = await api.delete(`/api/v1/agents/${made.id}`);
    expect(retired.status).toBe(200);
    expect(retired.body.status).toBe('retired');
    expect((await api.delete(`/api/v1/agents/${made.id}`)).status).toBe(409);
    expect((await api.patch(`/api/v1/agents/${made.id}`, { name: `api2-${run}` })).status).toBe(
      409,
    );
    expect(
      (await api.get(`/api/v1/agents?status=retired&kind=tool_agent&limit=200`)).body.items.map(
        (a: { id: string }) => a.id,
      ),
    ).toContain(made.id);
    expect((await api.get('/api/v1/agents?limit=1')).body.total).toBe(total + 1);

    const doc = (await api.get('/docs-json')).body;
    for (const path of [
      '/api/v1/agents',
      '/api/v1/agents/{id}',
      '/api/v1/agents/{id}/terminate',
      '/api/v1/agents/recommend',
      '/api/v1/goals/{id}/ledger',
    ])
      expect(doc.paths[path]).toBeDefined();
  });
});

/** An app on the scripted model with extra settings, started and stopped around a describe block. */
function scriptedApp(env: Record<string, string>): { api: () => ApiClient } {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  beforeAll(async () => {
    await server.start();
    script(server);
    app = await startApp({
      env: {
        ...server.productEnv(),
        LLM_API_KEY: 'test',
        AGENT_EXPLORATION_RATE: '0',
        ...env,
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });
  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });
  return { api: () => api };
}

/** Submits a goal, waits for it to finish, and returns it with its event log. */
async function finishedWithLog(api: ApiClient, text: string, pattern?: string) {
  const id = (await api.post('/api/v1/goals', { goal: text, ...(pattern ? { pattern } : {}) })).body
    .goal_id;
  const goal = await waitFor(
    async () => {
      const g = (await api.get(`/api/v1/goals/${id}`)).body;
      return ['completed', 'failed'].includes(g.status) ? g : undefined;
    },
    { what: 'goal to finish' },
  );
  const log = (await api.get(`/api/v1/goals/${id}/events`)).body.items as Array<{
    type: string;
    data: Payload;
  }>;
  return { goal, log };
}

describe('agents: the spawn limit', () => {
  const ctx = scriptedApp({ AGENT_SPAWN_LIMIT_PER_GOAL: '2' });

  it('stops spawning at the limit with a recorded safety violation, and still finishes', async () => {
    const { goal, log } = await finishedWithLog(
      ctx.api(),
      'Limits {complexity:SIMPLE} {tasks:3} {taskcaps:cobol|fortran|ada}',
    );
    expect(goal.status).toBe('completed');
    expect(log.filter((e) => e.type === 'agent.spawned').map((e) => e.data.capabilities)).toEqual([
      ['cobol'],
      ['fortran'],
    ]);
    const violations = log.filter((e) => e.type === 'safety.violation');
    expect(violations).toHaveLength(1);
    expect(violations[0].data.check).toBe('agents_spawned');
    expect(violations[0].data.detail).toMatch(/limit 2/);
    const t3 = log
      .filter((e) => e.type === 'agent.assigned')
      .find((e) => e.data.task_key === 't3')!;
    expect(t3.data.agent_name).toBe('generalist');
  });

  it('spawns swarm workers up to the limit, records the stop, and runs the units on fewer workers', async () => {
    const { goal, log } = await finishedWithLog(
      ctx.api(),
      'Swarm limits {complexity:COMPLEX} {tasks:1} {units:4}',
      'swarm',
    );
    expect(goal.status).toBe('completed');
    const spawned = log.filter((e) => e.type === 'agent.spawned');
    expect(spawned.map((e) => [e.data.agent_kind, e.data.ephemeral])).toEqual([
      ['swarm_worker', true],
      ['swarm_worker', true],
    ]);
    const violations = log.filter((e) => e.type === 'safety.violation');
    expect(violations.map((e) => e.data.check)).toEqual(['agents_spawned']);
    expect(violations[0].data.detail).toMatch(/swarm-worker stopped: .*limit 2/);
    expect(log.find((e) => e.type === 'swarm.started')!.data.concurrency).toBe(2);
    expect(log.find((e) => e.type === 'swarm.completed')!.data).toMatchObject({
      units: 4,
      succeeded: 4,
    });
    expect(log.filter((e) => e.type === 'agent.retired').map((e) => e.data.agent_id)).toEqual(
      spawned.map((e) => e.data.agent_id),
    );
    const workers = await Promise.all(
      spawned.map(async (e) => (await ctx.api().get(`/api/v1/agents/${e.data.agent_id}`)).body),
    );
    expect(workers.map((w) => w.status)).toEqual(['retired', 'retired']);
    expect(workers.reduce((n, w) => n + w.stats.successes, 0)).toBe(4); // each unit learned once
  });
});

describe('agents: spawns pass the safety gate', () => {
  const ctx = scriptedApp({ SAFETY_MAX_AGENTS: '1' });

  it("refuses spawns over the gate's agent limit, records them on the goal, and still finishes", async () => {
    const { goal, log } = await finishedWithLog(
      ctx.api(),
      'Gate {complexity:SIMPLE} {tasks:3} {taskcaps:cobol|fortran|ada}',
    );
    expect(goal.status).toBe('completed');
    expect(log.filter((e) => e.type === 'agent.spawned').map((e) => e.data.capabilities)).toEqual([
      ['cobol'],
    ]);
    const violations = log.filter((e) => e.type === 'safety.violation');
    expect(violations.map((e) => e.data.check)).toEqual(['agents_spawned', 'agents_spawned']);
    expect(violations.every((e) => typeof e.data.task_id === 'string')).toBe(true);
  });

  it('lets the gate stop swarm workers too; the allowed worker does all the units', async () => {
    const { goal, log } = await finishedWithLog(
      ctx.api(),
      'Gate swarm {complexity:COMPLEX} {tasks:1} {units:3}',
      'swarm',
    );
    expect(goal.status).toBe('completed');
    expect(log.filter((e) => e.type === 'agent.spawned')).toHaveLength(1);
    const violations = log.filter((e) => e.type === 'safety.violation');
    expect(violations.map((e) => e.data.detail)).toEqual([
      'spawning agent 2 exceeds the limit of 1',
    ]);
    expect(log.find((e) => e.type === 'swarm.completed')!.data).toMatchObject({
      units: 3,
      succeeded: 3,
    });
  });
});
