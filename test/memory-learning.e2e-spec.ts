import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- e2e bodies are asserted field by field */

function firstUserMessage(request: ChatRequestBody): string {
  const user = (request.messages ?? []).find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
}

function scriptIntent(server: ScriptedLlmServer): void {
  server.when('[agent-village:intent_analyzer]', (request) => ({
    json: {
      objective: firstUserMessage(request)
        .replace(/^Goal:\s*/, '')
        .split('\n')[0],
      capabilities: ['research', 'writing'],
      complexity: 'MODERATE',
      risk: 'LOW',
    },
  }));
}

async function finished(api: ApiClient, id: string): Promise<any> {
  return waitFor(
    async () => {
      const res = await api.get(`/api/v1/goals/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
    },
    { what: `goal ${id} to finish`, timeoutMs: 60000 },
  );
}

async function events(api: ApiClient, id: string): Promise<any[]> {
  return (await api.get(`/api/v1/goals/${id}/events?limit=200`)).body.items;
}

/**
 * Learning across goals on the embedded default (PGlite with pgvector/HNSW) with the real
 * LLM client against a scripted server: the critic explains a failure, the lesson reaches
 * the next similar goal's plan, and a workflow that succeeded is reused.
 */
describe('memory that learns (PGlite + pgvector, scripted LLM)', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await server.start();
    scriptIntent(server);
    server.when('[agent-village:planner]', (request) => {
      const cite = conversationText(request).includes('Cite your sources');
      return {
        json: {
          tasks: [
            {
              key: 't1',
              title: 'Research the market',
              description: 'Collect figures on the market.',
              depends_on: [],
              capabilities: ['research'],
            },
            {
              key: 't2',
              title: 'Write the report',
              description: cite
                ? 'Write the report and cite sources for every claim.'
                : 'Write the report.',
              depends_on: ['t1'],
              capabilities: ['writing'],
            },
          ],
        },
      };
    });
    server.when('[agent-village:tool_agent]', (request) => ({
      content: conversationText(request).includes('cite sources')
        ? 'Report: the market grows 12% a year. Sources: [1] https://example.org/market'
        : 'Report: the market grows 12% a year.',
    }));
    server.when('[agent-village:critic]', (request) =>
      conversationText(request).includes('Sources: [1]')
        ? { json: { passed: true, score: 0.9, feedback: 'Claims are sourced.', failed_tasks: [] } }
        : {
            json: {
              passed: false,
              score: 0.3,
              feedback: 'The report cites no sources. Cite your sources for every claim.',
              failed_tasks: ['t2'],
            },
          },
    );
    app = await startApp({
      env: {
        ...server.productEnv(),
        MAX_REPLANS: '0',
        TASK_RETRY_BASE_MS: '1',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it('uses pgvector with an HNSW index on PGlite', async () => {
    expect((await api.get('/api/v1/memory/stats')).body.vector_backend).toBe('pgvector-hnsw');
    expect(app.output()).not.toMatch(/exact cosine/);
  });

  it('turns a failure the critic explains into a lesson the next similar goal plans with, then reuses the workflow', async () => {
    // 1. the first goal fails: the critic explains why
    const first = await api.post('/api/v1/goals', {
      goal: 'Write a market report on electric bikes in Berlin',
    });
    const failed = await finished(api, first.body.goal_id);
    expect(failed.status).toBe('failed');
    const lesson = await waitFor(
      async () => {
        const res = await api.get(
          '/api/v1/memory/search?q=electric%20bikes%20report&type=strategic&k=5',
        );
        return res.body.items.find((h: any) => h.memory.source.goal_id === failed.id)?.memory;
      },
      { what: 'the lesson of the failed goal' },
    );
    expect(lesson).toMatchObject({
      verified: true,
      metadata: { lessons: ['The report cites no sources. Cite your sources for every claim.'] },
      provenance: { goal_id: failed.id, verified_by: 'critic', critic_score: 0.3 },
      source: { agent: 'critic', model: 'openai:scripted-model' },
    });
    // a failure is also an experience, but never a procedure
    const failedEpisode = await api.get(
      '/api/v1/memory/search?q=electric%20bikes%20Berlin&type=episodic&k=5',
    );
    expect(
      failedEpisode.body.items.some(
        (h: any) => h.memory.source.goal_id === failed.id && h.memory.metadata.outcome === 'failed',
      ),
    ).toBe(true);

    // 2. a similar goal: the lesson goes into the plan and the goal succeeds
    const before = server.chatRequests().length;
    const second = await api.post('/api/v1/goals', {
      goal: 'Write a market report on electric bikes in Munich',
    });
    const done = await finished(api, second.body.goal_id);
    expect(done.status).toBe('completed');
    const secondCalls = server.chatRequests().length - before;
    const log = await events(api, done.id);
    const retrieved = log.find((e) => e.type === 'memory.retrieved');
    expect(retrieved.data.memory_ids).toContain(lesson.id);
    expect(retrieved.data.lessons).toContain(
      'The report cites no sources. Cite your sources for every claim.',
    );
    const plan = log.find((e) => e.type === 'plan.created');
    expect(plan.data).toMatchObject({
      provider: 'openai',
      lessons: [expect.stringContaining('Cite your sources')],
    });
    expect(log.findIndex((e) => e.type === 'memory.retrieved')).toBeLessThan(
      log.findIndex((e) => e.type === 'plan.created'),
    );
    const plannerRequest = server
      .chatRequests()
      .slice(before)
      .find((r) => conversationText(r.body).includes('[agent-village:planner]'))!;
    expect(conversationText(plannerRequest.body)).toContain('Lessons from earlier similar goals');

    // WRITING_MEMORY filled all four types, with provenance
    const written = log.find((e) => e.type === 'memory.written');
    expect([...written.data.kinds].sort()).toEqual([
      'episodic',
      'procedural',
      'semantic',
      'strategic',
    ]);
    const procedure = await api.get(
      `/api/v1/memory/${written.data.memory_ids[written.data.kinds.indexOf('procedural')]}`,
    );
    expect(procedure.body).toMatchObject({
      type: 'procedural',
      verified: true,
      key: expect.any(String),
      provenance: {
        goal_id: done.id,
        verified_by: 'critic',
        critic_score: 0.9,
        agents: [expect.stringMatching(/^[0-9a-f-]{36}$/)],
      },
      metadata: {
        tasks: [{ key: 't1' }, { key: 't2', description: expect.stringContaining('cite sources') }],
      },
    });
    const strategic = await api.get(
      `/api/v1/memory/${written.data.memory_ids[written.data.kinds.indexOf('strategic')]}`,
    );
    expect(strategic.body.metadata).toMatchObject({
      decision: expect.any(String),
      rationale: expect.any(String),
      alternatives: expect.any(Array),
      outcome: 'completed',
    });
    const stats = (await api.get('/api/v1/memory/stats')).body;
    expect(stats.graph.entities).toBeGreaterThan(0);
    expect(stats.graph.relations).toBeGreaterThan(0);

    // 3. another similar goal reuses the successful workflow: no planner call
    const before3 = server.chatRequests().length;
    const third = await api.post('/api/v1/goals', {
      goal: 'Write a market report on electric bikes in Hamburg',
    });
    const reused = await finished(api, third.body.goal_id);
    expect(reused.status).toBe('completed');
    const thirdCalls = server.chatRequests().slice(before3);
    expect(
      thirdCalls.some((r) => conversationText(r.body).includes('[agent-village:planner]')),
    ).toBe(false);
    expect(thirdCalls.length).toBe(secondCalls - 1);
    expect(reused.usage.llm_calls).toBe(done.usage.llm_calls - 1);
    const log3 = await events(api, reused.id);
    expect(log3.find((e) => e.type === 'plan.created').data).toMatchObject({
      provider: 'memory',
      reused: true,
      procedure_id: procedure.body.id,
    });
    expect(log3.find((e) => e.type === 'memory.retrieved').data.procedure_id).toBe(
      procedure.body.id,
    );
  });

  it('embeds through an OpenAI-compatible endpoint when one is configured', async () => {
    const embedServer = new ScriptedLlmServer();
    embedServer.embeddingDimensions = 64;
    await embedServer.start();
    const other = await startApp({
      env: {
        EMBEDDING_BASE_URL: embedServer.baseUrl,
        EMBEDDING_MODEL: 'embed-model',
        EMBEDDING_DIMENSIONS: '64',
      },
    });
    try {
      const client = new ApiClient(other.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
      const created = await client.post('/api/v1/memory', {
        type: 'semantic',
        content: 'Night shift starts at 22:00',
      });
      expect(created.body.embedding_model).toBe('embed-model');
      const found = await client.get(
        '/api/v1/memory/search?q=Night%20shift%20starts%20at%2022:00&k=1',
      );
      expect(found.body).toMatchObject({ lexical: false, embedding_model: 'embed-model' });
      expect(found.body.items[0].memory.id).toBe(created.body.id);
      expect(found.body.items[0].similarity).toBeCloseTo(1, 3);
      const calls = embedServer.requests.filter((r) => r.path === '/v1/embeddings');
      expect(calls.length).toBe(2);
      expect(calls[0].body).toMatchObject({
        model: 'embed-model',
        input: ['Night shift starts at 22:00'],
      });
    } finally {
      await other.stop();
      await embedServer.stop();
    }
  });
});

/** The evolver on a scripted history: the variant that loses is retired, the winner kept. */
describe('the evolver (scripted history)', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  const FEEDBACK = 'The answer lacks a checklist. Add a checklist of the steps.';

  beforeAll(async () => {
    await server.start();
    scriptIntent(server);
    server.when('[agent-village:planner]', (request) => ({
      json: {
        tasks: [
          {
            key: 't1',
            title: 'Do the work',
            description: conversationText(request).includes('checklist')
              ? 'Do it and include a checklist.'
              : 'Do it.',
            depends_on: [],
            capabilities: ['writing'],
          },
        ],
      },
    }));
    server.when('[agent-village:tool_agent]', (request) => ({
      content: conversationText(request).includes('include a checklist')
        ? 'Done. Checklist: [x] step one'
        : 'Done.',
    }));
    server.when('[agent-village:critic]', (request) =>
      conversationText(request).includes('Checklist: [x]')
        ? { json: { passed: true, score: 0.9, feedback: 'Complete.', failed_tasks: [] } }
        : { json: { passed: false, score: 0.2, feedback: FEEDBACK, failed_tasks: ['t1'] } },
    );
    app = await startApp({
      env: {
        ...server.productEnv(),
        MAX_REPLANS: '0',
        // keep memory's own lessons out of this experiment: only the evolver's variants differ
        MEMORY_RECALL_MIN_SIMILARITY: '0.99',
        EVOLUTION_MIN_TRIALS: '2',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it('proposes a variant from recurring critic feedback, splits later goals fairly, promotes the winner and retires the loser', async () => {
    // history: two unrelated goals fail for the same reason
    for (const goal of ['Plan a team offsite in Lisbon', 'Prepare onboarding for new engineers']) {
      const res = await api.post('/api/v1/goals', { goal });
      expect((await finished(api, res.body.goal_id)).status).toBe('failed');
    }
    await waitFor(
      async () => {
        const res = await api.get(
          `/api/v1/memory/search?q=${encodeURIComponent(FEEDBACK)}&type=strategic&k=10`,
        );
        return (
          res.body.items.filter((h: any) => h.memory.metadata.outcome === 'rejected by the critic')
            .length >= 2 || undefined
        );
      },
      { what: 'two lessons' },
    );

    const nothingYet = await api.get('/api/v1/evolution/report');
    expect(nothingYet.body.variants).toEqual([]);
    expect(nothingYet.body.top_failure_reasons[0].reason).toContain('checklist');

    const proposed = await api.post('/api/v1/evolution/run');
    expect(proposed.status).toBe(200);
    expect(proposed.body.decisions).toEqual([]);
    expect(proposed.body.proposals).toEqual([
      {
        variant: expect.stringMatching(/^lessons-/),
        target: 'planner_prompt',
        rationale: expect.stringContaining('2 goals'),
      },
    ]);
    const challenger = proposed.body.report.variants.find((v: any) => v.status === 'testing');
    expect(challenger.guidance).toContain(FEEDBACK);

    // later goals are split between control and challenger
    const arms: Record<string, string[]> = {};
    for (const goal of [
      'Organise the quarterly budget review',
      'Draft a hiring plan for support',
      'Audit the office inventory',
      'Design a customer survey',
    ]) {
      const res = await api.post('/api/v1/goals', { goal });
      const g = await finished(api, res.body.goal_id);
      const assigned = (await events(api, g.id)).find((e) => e.type === 'evolution.assigned');
      (arms[assigned.data.name] ??= []).push(g.status);
    }
    expect(arms).toEqual({
      control: ['failed', 'failed'],
      [challenger.name]: ['completed', 'completed'],
    });

    const decided = await api.post('/api/v1/evolution/run');
    expect(decided.body.decisions).toEqual(
      expect.arrayContaining([
        {
          variant: 'control',
          action: 'retired',
          reason: expect.stringContaining('success rate 0.00 vs 1.00'),
        },
        { variant: challenger.name, action: 'promoted', reason: expect.stringContaining('1.00') },
      ]),
    );
    const report = (await api.get('/api/v1/evolution/report')).body;
    const planner = report.variants.filter((v: any) => v.target === 'planner_prompt');
    expect(planner.find((v: any) => v.name === 'control')).toMatchObject({
      status: 'retired',
      reason: expect.stringContaining('lost to'),
      finished: 2,
      success_rate: 0,
    });
    expect(planner.find((v: any) => v.name === challenger.name)).toMatchObject({
      status: 'champion',
      finished: 2,
      success_rate: 1,
    });
    expect(report.by_pattern[0]).toMatchObject({ key: 'council', goals: 6 });

    // the champion's guidance now reaches every goal's planner
    const next = await api.post('/api/v1/goals', { goal: 'Write release notes for version two' });
    expect((await finished(api, next.body.goal_id)).status).toBe('completed');
  });
});
