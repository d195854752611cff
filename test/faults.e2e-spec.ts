import {
  ApiClient,
  AppProcess,
  conversationText,
  OwnPostgres,
  OwnRedis,
  queryPostgres,
  ScriptedLlmServer,
  startApp,
  startOwnPostgres,
  startOwnRedis,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';

/** Goals in flight per scenario; each is planned into TASKS parallel tasks. */
const GOALS = 4;
const TASKS = 3;
/** Every model call answers this slowly, so faults land while goals are in flight. */
const MODEL_LATENCY_MS = 400;

/**
 * Fault injection in production mode (PostgreSQL, BullMQ on Redis, an API and worker
 * processes, an OpenAI-compatible model server): with goals in flight, a piece of the
 * infrastructure fails and heals; every goal must complete exactly once, with no duplicate
 * side effect. The database and Redis are the test's own, so it may crash them.
 */
describe('faults while goals are in flight (production mode)', () => {
  let pg: OwnPostgres;
  let redis: OwnRedis;
  const llm = new ScriptedLlmServer();
  const processes: AppProcess[] = [];
  let api: ApiClient;
  let env: Record<string, string>;

  const start = async (entry: 'main' | 'worker') => {
    const p = await startApp({
      entry,
      env: entry === 'main' ? { ...env, PROCESS_JOBS: 'false' } : env,
    });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    await llm.start();
    script(llm);
    env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'faults',
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'gpt-4o-mini',
      LEASE_TTL_MS: '1500',
      SWEEPER_INTERVAL_MS: '300',
      QUEUE_STALLED_INTERVAL_MS: '1500',
      LLM_TIMEOUT_MS: '20000',
      LLM_OUTAGE_PROBE_MS: '1000',
    };
    api = new ApiClient((await start('main')).baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    await start('worker');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await llm.stop();
    await redis?.kill();
    pg?.destroy();
  });

  /** Submits the scenario's goals; resolves once the first task of any of them runs. */
  const submitGoals = async (scenario: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < GOALS; i++) {
      const { status, body } = await api.post('/api/v1/goals', {
        goal: `FAULT-${scenario} goal ${i}: fan the work out`,
      });
      expect(status).toBe(202);
      ids.push(body.goal_id);
    }
    await waitFor(
      () =>
        llm
          .chatRequests()
          .some(
            (r) => isToolAgent(r.body) && conversationText(r.body).includes(`FAULT-${scenario}`),
          ),
      { what: `a task of scenario ${scenario} to run`, timeoutMs: 60000 },
    );
    return ids;
  };

  /** Every goal completes exactly once, with no duplicate side effect. */
  const expectCompletedOnce = async (ids: string[], what: string) => {
    const finished = await waitFor(
      async () => {
        const rows = await queryPostgres<{ id: string; status: string; failure_reasons: unknown }>(
          pg.url,
          `SELECT id, status, failure_reasons FROM goals WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        return rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status))
          ? rows
          : undefined;
      },
      { what: `the goals to finish after ${what}`, timeoutMs: 120000, intervalMs: 200 },
    );
    expect(finished.filter((g) => g.status !== 'completed')).toEqual([]);
    const counts = await queryPostgres<{
      id: string;
      completed_events: number;
      plan_tasks: number;
      distinct_keys: number;
      spawned_events: number;
      spawned_profiles: number;
      unannounced_memories: number;
      memory_events: number;
    }>(
      pg.url,
      `SELECT g.id,
         (SELECT count(*)::int FROM goal_events e WHERE e.goal_id = g.id AND e.type = 'goal.completed') AS completed_events,
         (SELECT count(*)::int FROM tasks t WHERE t.goal_id = g.id AND t.plan_version = g.plan_version) AS plan_tasks,
         (SELECT count(DISTINCT t.key)::int FROM tasks t WHERE t.goal_id = g.id AND t.plan_version = g.plan_version) AS distinct_keys,
         (SELECT count(*)::int FROM goal_events e WHERE e.goal_id = g.id AND e.type = 'agent.spawned') AS spawned_events,
         (SELECT count(*)::int FROM agent_profiles p WHERE p.spawned_by_goal_id = g.id) AS spawned_profiles,
         (SELECT count(*)::int FROM memories m WHERE m.source_goal_id = g.id AND m.id::text NOT IN (
            SELECT jsonb_array_elements_text(e.data -> 'memory_ids') FROM goal_events e
            WHERE e.goal_id = g.id AND e.type IN ('memory.written', 'reflection.recorded'))) AS unannounced_memories,
         (SELECT count(*)::int FROM goal_events e WHERE e.goal_id = g.id AND e.type = 'memory.written') AS memory_events
       FROM goals g WHERE g.id = ANY($1::uuid[])`,
      [ids],
    );
    for (const goal of counts) {
      expect(goal).toMatchObject({
        completed_events: 1,
        plan_tasks: TASKS,
        distinct_keys: TASKS,
        memory_events: 1,
        // every memory of the goal is one its single memory step announced
        unannounced_memories: 0,
      });
      // each spawn announced once, each announced spawn one profile
      expect(goal.spawned_profiles).toBe(goal.spawned_events);
    }
    // one live profile per name (the unique index), and the scenario's specialist exists
    const specialists = await queryPostgres<{ n: number }>(
      pg.url,
      `SELECT count(*)::int AS n FROM agent_profiles WHERE name LIKE 'specialist-%' AND status <> 'retired'`,
    );
    expect(specialists[0].n).toBeGreaterThan(0);
  };

  it('PostgreSQL crashed (immediate stop) and restarted 3 s later: every goal completes once', async () => {
    const ids = await submitGoals('pg');
    pg.crash();
    // the outage lasts 3 s: the faults being tested take that long, this is not a wait for work
    await new Promise((r) => setTimeout(r, 3000));
    await pg.start();
    await expectCompletedOnce(ids, 'a PostgreSQL crash');
    // the goals met the outage (retried within a unit of work, or waited for the database
    // at the step when the outage outlasted those retries) and went on
    expect(processes[1].output()).toMatch(
      /database fault \(connection\): retrying the unit of work|waits for the database/,
    );
  });

  it('kill -9 of the worker: a new worker completes every goal once', async () => {
    const ids = await submitGoals('worker');
    await processes[1].kill();
    await start('worker');
    await expectCompletedOnce(ids, 'kill -9 of the worker');
  });

  it('Redis killed and restarted empty: every goal completes once', async () => {
    const ids = await submitGoals('redis');
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1000));
    await redis.start();
    await expectCompletedOnce(ids, 'Redis restarted empty');
  });

  it('the model server down for 30 s: calls wait for it and every goal completes once', async () => {
    const ids = await submitGoals('model');
    await llm.outage(30000);
    await expectCompletedOnce(ids, 'a model server outage');
    const logs = processes.map((p) => p.output()).join('\n');
    expect(logs).toMatch(/the model server is unavailable/);
    expect(logs).toMatch(/the model server is available again after \d+ ms/);
  });

  it('the API killed while goals are being created: sent again with their Idempotency-Key, each goal exists and completes once', async () => {
    const keys = ['create-a', 'create-b', 'create-c'];
    const submit = (client: ApiClient, key: string) =>
      client.post(
        '/api/v1/goals',
        { goal: `FAULT-create goal ${key}: fan the work out` },
        { 'Idempotency-Key': key },
      );
    // the client sends its submissions and the API dies under them: some answers are lost
    const inFlight = keys.map((key) => submit(api, key).catch(() => undefined));
    await processes[0].kill();
    await Promise.all(inFlight);
    api = new ApiClient((await start('main')).baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    // the client sends each submission again with its key, as often as it likes
    const ids: string[] = [];
    for (const key of keys) {
      const first = await submit(api, key);
      const again = await submit(api, key);
      expect([first.status, again.status]).toEqual([202, 202]);
      expect(again.body.goal_id).toBe(first.body.goal_id);
      ids.push(first.body.goal_id);
    }
    const stored = await queryPostgres<{ n: number }>(
      pg.url,
      `SELECT count(*)::int AS n FROM goals WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    );
    expect(stored[0].n).toBe(keys.length);
    await expectCompletedOnce(ids, 'the API was killed during their creation');
  });
});

const isToolAgent = (r: Parameters<typeof conversationText>[0]) =>
  conversationText(r).includes('[agent-village:tool_agent]');

/** A model that plans every goal into TASKS parallel tasks needing a specialist. */
function script(llm: ScriptedLlmServer): void {
  llm.defaultLatencyMs = MODEL_LATENCY_MS;
  llm.when('[agent-village:intent_analyzer]', {
    json: {
      objective: 'fan out',
      capabilities: ['fault_drills'],
      complexity: 'COMPLEX',
      risk: 'LOW',
    },
  });
  llm.when('[agent-village:planner]', (request) => {
    const scenario = /FAULT-(\w+)/.exec(conversationText(request))?.[1] ?? 'x';
    return {
      json: {
        tasks: Array.from({ length: TASKS }, (_, i) => ({
          key: `t${i}`,
          title: `drill part ${i}`,
          description: `do part ${i}`,
          depends_on: [],
          capabilities: [`${scenario}_drills`],
        })),
      },
    };
  });
  llm.when('[agent-village:tool_agent]', { content: 'part done' });
  llm.when('[agent-village:critic]', {
    json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
  });
  llm.otherwise({ content: 'ok' });
}
