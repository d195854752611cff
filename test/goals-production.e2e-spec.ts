import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  queryPostgres,
  ScriptedLlmServer,
  startApp,
  TestDatabase,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
} from '#testing';

/** Production mode: PostgreSQL + BullMQ on Redis, the API and separate worker processes. */
describe('goals on PostgreSQL + BullMQ with separate worker processes', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  const llm = new ScriptedLlmServer();

  const start = async (entry: 'main' | 'worker', env: Record<string, string>) => {
    const p = await startApp({ entry, env });
    processes.push(p);
    return p;
  };

  /** A database, a queue of its own and the scripted model server. */
  const withScriptedModel = () => ({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'k',
    LLM_MODEL: 'gpt-4o-mini',
  });

  beforeAll(async () => {
    db = await createPostgresDatabase();
    await llm.start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await llm.stop();
    await db?.drop();
  });

  it('runs a goal end to end: the API queues it, a worker executes it', async () => {
    const base = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
    };
    const api = await start('main', { ...base, PROCESS_JOBS: 'false' });
    const client = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    expect((await client.get('/health/ready')).body).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' }, redis: { status: 'up' } },
    });

    const { body } = await client.post('/api/v1/goals', { goal: 'Research cats. Research dogs.' });
    // nobody executes jobs yet: the goal waits in the queue
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.get(`/api/v1/goals/${body.goal_id}`)).body.status).toBe('queued');

    const worker = await start('worker', base);
    const goal = await waitFor(
      async () => {
        const res = await client.get(`/api/v1/goals/${body.goal_id}`);
        return res.body.status === 'completed' ? res.body : undefined;
      },
      { what: 'the worker to complete the goal' },
    );
    expect(goal.result.provider).toBe('offline');
    const caps = await queryPostgres<{ available: boolean }>(
      db.url,
      `SELECT available FROM platform_capabilities WHERE name = 'pgvector'`,
    );
    expect(caps).toHaveLength(1);
    const graceful = await worker.stop();
    expect(graceful).toBe(0);
  });

  it('survives kill -9 of the worker mid-goal: a new worker completes it and the side effect happens once', async () => {
    const M = 'GOAL-DURABLE';
    const isAgent = (r: ChatRequestBody) =>
      conversationText(r).includes('[agent-village:tool_agent]') && conversationText(r).includes(M);
    const hasToolResult = (r: ChatRequestBody) => (r.messages ?? []).some((m) => m.role === 'tool');
    llm.when(
      (r) =>
        conversationText(r).includes('[agent-village:intent_analyzer]') &&
        conversationText(r).includes(M),
      {
        json: {
          objective: 'save a report',
          capabilities: ['files'],
          complexity: 'SIMPLE',
          risk: 'LOW',
        },
      },
    );
    llm.when(
      (r) =>
        conversationText(r).includes('[agent-village:planner]') && conversationText(r).includes(M),
      {
        json: {
          tasks: [
            {
              key: 'save',
              title: 'save the report',
              description: 'save report.txt',
              depends_on: [],
              capabilities: ['files'],
            },
          ],
        },
      },
    );
    llm.when((r) => isAgent(r) && !hasToolResult(r), {
      toolCalls: [
        { name: 'save_artifact', arguments: { name: 'report.txt', content: 'quarterly numbers' } },
      ],
    });
    llm.when((r) => isAgent(r) && hasToolResult(r), { content: 'saved', latencyMs: 8000 }, 1);
    llm.when((r) => isAgent(r) && hasToolResult(r), { content: 'saved' });
    llm.when(
      (r) =>
        conversationText(r).includes('[agent-village:critic]') && conversationText(r).includes(M),
      {
        json: { passed: true, score: 1, feedback: 'saved', failed_tasks: [] },
      },
    );

    const env = {
      ...withScriptedModel(),
      LEASE_TTL_MS: '1500',
      SWEEPER_INTERVAL_MS: '300',
      QUEUE_STALLED_INTERVAL_MS: '1500',
      LLM_TIMEOUT_MS: '20000',
    };
    const api = await start('main', { ...env, PROCESS_JOBS: 'false' });
    const client = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const first = await start('worker', env);
    const { body } = await client.post('/api/v1/goals', {
      goal: `${M}: save the quarterly report`,
    });

    await waitFor(() => llm.chatRequests().some((r) => isAgent(r.body) && hasToolResult(r.body)), {
      what: 'the slow step after the side effect',
    });
    await first.kill();
    expect((await client.get(`/api/v1/goals/${body.goal_id}`)).body.status).toBe('running');

    await start('worker', env);
    const goal = await waitFor(
      async () => {
        const res = await client.get(`/api/v1/goals/${body.goal_id}`);
        return ['completed', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      { what: 'the second worker to finish the goal', timeoutMs: 60000 },
    );
    expect(goal.status).toBe('completed');

    const artifacts = await queryPostgres(
      db.url,
      `SELECT name FROM goal_artifacts WHERE goal_id = $1`,
      [body.goal_id],
    );
    expect(artifacts).toEqual([{ name: 'report.txt' }]);
    const events = (await client.get(`/api/v1/goals/${body.goal_id}/events`)).body.items;
    const calls = events
      .filter((e: { type: string }) => e.type === 'tool.called')
      .map((e: { data: { replayed: boolean } }) => e.data.replayed);
    expect(calls).toEqual([false, true]);
    const [task] = (await client.get(`/api/v1/goals/${body.goal_id}/tasks`)).body.items;
    expect(task.attempts).toBe(2);
  });

  it("holds goals past the worker's slots as queued (back-pressure) and completes every one", async () => {
    const M = 'GOAL-BACKPRESSURE';
    const mine = (role: string) => (r: ChatRequestBody) =>
      conversationText(r).includes(`[agent-village:${role}]`) && conversationText(r).includes(M);
    llm.when(mine('intent_analyzer'), {
      json: { objective: 'one step', capabilities: [], complexity: 'SIMPLE', risk: 'LOW' },
      latencyMs: 1500,
    });
    llm.when(mine('planner'), {
      json: {
        tasks: [
          {
            key: 'answer',
            title: 'answer',
            description: 'answer briefly',
            depends_on: [],
            capabilities: [],
            acceptance_criteria: null,
          },
        ],
      },
    });
    llm.when(mine('tool_agent'), { content: 'the answer' });
    llm.when(mine('critic'), {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    const env = { ...withScriptedModel(), JOB_CONCURRENCY: '1' };
    const api = await start('main', { ...env, PROCESS_JOBS: 'false' });
    const client = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    await start('worker', env);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await client.post('/api/v1/goals', { goal: `${M} ${n}: answer briefly` });
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('queued');
      ids.push(res.body.goal_id);
    }
    await waitFor(() => llm.chatRequests().some((r) => mine('intent_analyzer')(r.body)), {
      what: 'the first goal to run',
    });
    // the analysis starts while the goal's move to running is written: wait for that commit
    const statuses = await waitFor(
      async () => {
        const now = await Promise.all(
          ids.map(async (id) => (await client.get(`/api/v1/goals/${id}`)).body.status as string),
        );
        return now.includes('running') ? now : undefined;
      },
      { what: 'the first goal to show as running' },
    );
    expect(statuses.filter((s) => s === 'running')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(2);
    const metrics = await (
      await fetch(`${api.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    expect(metrics).toMatch(/goal_active\{status="queued"\} 2\b/);

    for (const id of ids) {
      const goal = await waitFor(
        async () => {
          const res = await client.get(`/api/v1/goals/${id}`);
          return ['completed', 'failed'].includes(res.body.status) ? res.body : undefined;
        },
        { what: 'every queued goal to finish', timeoutMs: 60000 },
      );
      expect(goal.status).toBe('completed');
    }
  });

  it('applies retention to the event logs of goals finished longer ago than RETENTION_DAYS', async () => {
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      SWEEPER_INTERVAL_MS: '200',
      RETENTION_DAYS: '7',
    };
    const api = await start('main', env);
    const client = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const old = (await client.post('/api/v1/goals', { goal: 'Say hello' })).body.goal_id;
    const recent = (await client.post('/api/v1/goals', { goal: 'Say goodbye' })).body.goal_id;
    for (const id of [old, recent]) {
      await waitFor(
        async () => (await client.get(`/api/v1/goals/${id}`)).body.status === 'completed',
        { what: 'goal to complete' },
      );
    }
    await queryPostgres(
      db.url,
      `UPDATE goals SET completed_at = now() - interval '8 days' WHERE id = $1`,
      [old],
    );
    await waitFor(
      async () => (await client.get(`/api/v1/goals/${old}/events`)).body.items.length === 0,
      { what: 'retention to remove the old event log' },
    );
    expect((await client.get(`/api/v1/goals/${old}`)).body.status).toBe('completed');
    expect((await client.get(`/api/v1/goals/${recent}/events`)).body.items.length).toBeGreaterThan(
      5,
    );
  });
});
