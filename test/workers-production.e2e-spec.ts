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
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

interface Worker {
  id: string;
  pid: number;
  role: string;
  status: string;
  capabilities: string[];
  load: { running: number; concurrency: number };
  heartbeat_age_ms: number;
  last_heartbeat_at: string;
  jobs: { done: number; failed: number };
}

const HEARTBEAT_MS = 250;
const OFFLINE_AFTER_MS = 1500;
const PASSWORD = 'a-long-enough-password-for-tests';

/**
 * Production mode: the API (running no jobs) and three worker processes with different
 * capabilities share one Redis registry; a killed worker goes OFFLINE and its goal is
 * resumed elsewhere; a drained worker finishes its goal, takes no new one and exits 0.
 */
describe('the worker registry on Redis with three worker processes', () => {
  let db: TestDatabase;
  const llm = new ScriptedLlmServer();
  const processes: AppProcess[] = [];
  let api: AppProcess;
  let admin: ApiClient;
  let env: Record<string, string>;
  const workers: AppProcess[] = [];
  /** Every worker seen holding each goal's lease (`goals.lease_owner` is the worker id). */
  const owners = new Map<string, Set<string>>();
  let watching = true;
  let watcher: Promise<void>;

  const start = async (entry: 'main' | 'worker', extra: Record<string, string> = {}) => {
    const p = await startApp({ entry, env: { ...env, ...extra } });
    processes.push(p);
    return p;
  };
  const list = async (): Promise<Worker[]> => {
    const res = await admin.get('/api/v1/workers');
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const workerOf = async (p: AppProcess) =>
    waitFor(async () => (await list()).find((w) => w.pid === p.process.pid), {
      what: `worker ${p.process.pid} in the registry`,
    });
  const submit = async (text: string): Promise<string> => {
    const res = await admin.post('/api/v1/goals', { goal: text });
    expect(res.status).toBe(202);
    return res.body.goal_id;
  };
  const completed = (id: string) =>
    waitFor(
      async () => {
        const goal = (await admin.get(`/api/v1/goals/${id}`)).body;
        return ['completed', 'failed', 'cancelled'].includes(goal.status) ? goal : undefined;
      },
      { what: `goal ${id} to finish`, timeoutMs: 45_000, intervalMs: 100 },
    );
  const ownerOf = (goalId: string) =>
    waitFor(() => [...(owners.get(goalId) ?? [])][0], { what: `a worker to take ${goalId}` });

  /** Goals whose analysis takes a while, so they are seen running on their worker. */
  const slow = (r: ChatRequestBody) => conversationText(r).includes('SLOW');
  const role = (name: string) => (r: ChatRequestBody) =>
    conversationText(r).includes(`[agent-village:${name}]`);

  beforeAll(async () => {
    db = await createPostgresDatabase();
    await llm.start();
    llm.when((r) => role('intent_analyzer')(r) && slow(r), {
      json: { objective: 'one step', capabilities: [], complexity: 'SIMPLE', risk: 'LOW' },
      latencyMs: 2500,
    });
    llm.when(role('intent_analyzer'), {
      json: { objective: 'one step', capabilities: [], complexity: 'SIMPLE', risk: 'LOW' },
    });
    llm.when(role('planner'), {
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
    llm.when(role('critic'), {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when(role('tool_agent'), { content: 'the answer' });
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'gpt-4o-mini',
      WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      WORKER_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      LEASE_TTL_MS: '1500',
      SWEEPER_INTERVAL_MS: '300',
      QUEUE_STALLED_INTERVAL_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '20000',
      JOB_CONCURRENCY: '2',
    };
    api = await start('main', { PROCESS_JOBS: 'false' });
    admin = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    workers.push(
      ...(await Promise.all([
        start('worker', { WORKER_CAPABILITIES: 'goal_execution,gpu' }),
        start('worker', { WORKER_CAPABILITIES: 'goal_execution,web_operations' }),
        start('worker', { WORKER_CAPABILITIES: 'goal_execution,memory_operations' }),
      ])),
    );
    watcher = (async () => {
      while (watching) {
        const rows = await queryPostgres<{ id: string; lease_owner: string }>(
          db.url,
          'SELECT id, lease_owner FROM goals WHERE lease_owner IS NOT NULL',
        ).catch(() => []);
        for (const row of rows)
          owners.set(row.id, (owners.get(row.id) ?? new Set()).add(row.lease_owner));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }, 120_000);

  afterAll(async () => {
    watching = false;
    await watcher;
    await Promise.all(processes.map((p) => p.kill()));
    await llm.stop();
    await db?.drop();
  });

  it('lists every process that runs jobs, with its capabilities and an advancing heartbeat', async () => {
    const first = await waitFor(
      async () => {
        const items = await list();
        return items.length === 3 ? items : undefined;
      },
      { what: 'three workers in the registry' },
    );
    expect(first.map((w) => w.pid).sort()).toEqual(workers.map((w) => w.process.pid).sort());
    for (const w of first) {
      expect(w).toMatchObject({
        role: 'worker',
        status: 'IDLE',
        load: { running: 0, concurrency: 2 },
        jobs: { done: 0, failed: 0 },
      });
      expect(w.capabilities).toEqual(
        expect.arrayContaining(['goal_execution', 'llm:openai/gpt-4o-mini']),
      );
      expect(w.heartbeat_age_ms).toBeLessThan(OFFLINE_AFTER_MS);
    }
    expect(first.map((w) => w.capabilities[1]).sort()).toEqual([
      'gpu',
      'memory_operations',
      'web_operations',
    ]);
    // the API runs no jobs, so it is not in the registry
    expect(first.some((w) => w.role === 'api')).toBe(false);

    const one = (await admin.get(`/api/v1/workers/${first[0].id}`)).body as Worker;
    expect(one.id).toBe(first[0].id);
    await waitFor(
      async () => {
        const later = (await admin.get(`/api/v1/workers/${first[0].id}`)).body as Worker;
        return Date.parse(later.last_heartbeat_at) > Date.parse(one.last_heartbeat_at);
      },
      { what: 'the heartbeat to advance' },
    );

    const metrics = await (
      await fetch(`${api.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    for (const w of first) {
      expect(metrics).toContain(`worker_active_jobs{worker_id="${w.id}"} 0`);
      expect(metrics).toMatch(
        new RegExp(`worker_jobs_total\\{worker_id="${w.id}",outcome="done"\\} 0`),
      );
      expect(metrics).toMatch(
        new RegExp(`worker_heartbeat_age_seconds\\{worker_id="${w.id}"\\} [0-9.]+`),
      );
    }
  });

  it('answers 404 for an unknown worker and 403 to anyone but a platform administrator', async () => {
    const unknown = await admin.get('/api/v1/workers/no-such-worker');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body.type).toMatch(/worker-not-found$/);
    expect((await admin.post('/api/v1/workers/no-such-worker/drain', {})).status).toBe(404);

    const user = await admin.post('/api/v1/users', {
      email: 'tenant-admin@example.com',
      display_name: 'tenant admin',
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    expect(
      (
        await admin.post('/api/v1/role-assignments', {
          user_id: user.body.id,
          role: 'tenant_admin',
        })
      ).status,
    ).toBe(201);
    const anonymous = new ApiClient(api.baseUrl);
    const login = await anonymous.post('/api/v1/auth/login', {
      email: 'tenant-admin@example.com',
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const tenantAdmin = anonymous.withBearer(login.body.token);
    const [some] = await list();
    for (const res of [
      await tenantAdmin.get('/api/v1/workers'),
      await tenantAdmin.get(`/api/v1/workers/${some.id}`),
      await tenantAdmin.post(`/api/v1/workers/${some.id}/drain`, {}),
    ]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('runs goals on the workers and counts them', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map((n) => submit(`Answer question ${n}`)));
    for (const id of ids) expect((await completed(id)).status).toBe('completed');
    const items = await waitFor(
      async () => {
        const all = await list();
        return all.reduce((sum, w) => sum + w.jobs.done, 0) >= 4 ? all : undefined;
      },
      { what: 'the jobs to be counted' },
    );
    expect(items.every((w) => w.jobs.failed === 0)).toBe(true);
  });

  it('shows a killed worker OFFLINE within WORKER_OFFLINE_AFTER_MS, and its goal completes elsewhere', async () => {
    const goal = await submit('SLOW kill: answer briefly');
    const owner = await ownerOf(goal);
    const victim = workers.find((p) => owner.includes(`-${p.process.pid}-`))!;
    expect(victim).toBeDefined();
    await victim.kill();
    const killedAt = Date.now();
    const offline = await waitFor(
      async () => {
        const w = (await list()).find((x) => x.id === owner);
        return w?.status === 'OFFLINE' ? w : undefined;
      },
      { what: 'the killed worker to show OFFLINE', timeoutMs: 10_000 },
    );
    expect(Date.now() - killedAt).toBeLessThan(OFFLINE_AFTER_MS + 1500);
    expect(offline.heartbeat_age_ms).toBeGreaterThan(OFFLINE_AFTER_MS);
    // it cannot be drained any more
    expect((await admin.post(`/api/v1/workers/${owner}/drain`, {})).status).toBe(409);

    expect((await completed(goal)).status).toBe('completed');
    const after = [...owners.get(goal)!];
    expect(after[0]).toBe(owner);
    expect(after.length).toBeGreaterThan(1); // the sweeper gave it to another worker
    const metrics = await (
      await fetch(`${api.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    const age = Number(
      new RegExp(`worker_heartbeat_age_seconds\\{worker_id="${owner}"\\} ([0-9.]+)`).exec(
        metrics,
      )?.[1],
    );
    expect(age).toBeGreaterThan(OFFLINE_AFTER_MS / 1000);
  });

  it('drains a busy worker on request: its goal finishes, it takes no new one, leaves and exits 0', async () => {
    const live = workers.filter((p) => p.process.exitCode === null && !p.process.signalCode);
    expect(live).toHaveLength(2);
    const goal = await submit('SLOW drain: answer briefly');
    const owner = await ownerOf(goal);
    const target = live.find((p) => owner.includes(`-${p.process.pid}-`))!;
    const other = live.find((p) => p !== target)!;
    const otherId = (await workerOf(other)).id;
    await waitFor(async () => (await list()).find((w) => w.id === owner)?.status === 'BUSY', {
      what: 'the worker to show BUSY',
    });
    const exited = new Promise<number | null>((resolve) =>
      target.process.once('exit', (code) => resolve(code)),
    );

    const drain = await admin.post(`/api/v1/workers/${owner}/drain`, {});
    expect(drain.status).toBe(202);
    expect(drain.body).toMatchObject({ id: owner, status: 'DRAINING' });
    // asking again while it drains is the same answer
    const again = await admin.post(`/api/v1/workers/${owner}/drain`, {});
    expect([again.status, again.body.status]).toEqual([202, 'DRAINING']);
    expect((await admin.get(`/api/v1/workers/${owner}`)).body.status).toBe('DRAINING');

    const more = await Promise.all([1, 2, 3].map((n) => submit(`While draining ${n}`)));
    for (const id of [goal, ...more]) expect((await completed(id)).status).toBe('completed');
    expect([...owners.get(goal)!]).toEqual([owner]);
    for (const id of more) {
      const seen = [...(owners.get(id) ?? [])];
      expect(seen).not.toContain(owner);
      if (seen.length) expect(seen).toEqual([otherId]);
    }

    expect(await exited).toBe(0);
    expect(target.output()).toContain('drained and left the worker registry');
    await waitFor(async () => (await admin.get(`/api/v1/workers/${owner}`)).status === 404, {
      what: 'the drained worker to leave the registry',
    });
    expect((await list()).map((w) => w.id)).toContain(otherId);
  });

  it('drains on SIGTERM too: DRAINING while its goal finishes, then it leaves and exits 0', async () => {
    const goal = await submit('SLOW sigterm: answer briefly');
    const id = await ownerOf(goal);
    const last = workers.find((p) => id.includes(`-${p.process.pid}-`))!;
    expect(last.process.exitCode).toBeNull();
    const stopped = last.stop();
    await waitFor(async () => (await list()).find((w) => w.id === id)?.status === 'DRAINING', {
      what: 'the worker to show DRAINING',
    });
    expect(await stopped).toBe(0);
    expect((await completed(goal)).status).toBe('completed');
    expect([...owners.get(goal)!]).toEqual([id]);
    expect((await admin.get(`/api/v1/workers/${id}`)).status).toBe(404);
  });
});
