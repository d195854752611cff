import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  queryPostgres,
  goalFinished,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

/** A burst that straddles a minute's end would count in two windows: start clear of one. */
async function clearOfMinuteEnd(): Promise<void> {
  await waitFor(() => Date.now() % 60_000 < 50_000, { timeoutMs: 15_000, what: 'minute start' });
}

/**
 * Production mode, two API processes on one PostgreSQL and one Redis (one of them runs
 * goals): tenant quotas hold across processes, a suspension pauses a running goal and an
 * activation resumes it, a deleted tenant is purged from every table, a spent token budget
 * stops a goal, and usage shows per tenant and tier.
 */
describe('tenant tiers, lifecycle and quotas (PostgreSQL + Redis, two API processes)', () => {
  const llm = new ScriptedLlmServer();
  let db: TestDatabase;
  let runner: AppProcess;
  let other: AppProcess;
  let adminA: ApiClient;
  let adminB: ApiClient;

  const is = (role: string, marker?: string) => (r: ChatRequestBody) => {
    const text = conversationText(r);
    return text.includes(`[agent-village:${role}]`) && (!marker || text.includes(marker));
  };
  const task = (key: string) => ({
    key,
    title: `step ${key}`,
    description: `do ${key}`,
    depends_on: [],
    capabilities: [],
    acceptance_criteria: `${key} done`,
  });

  async function createTenant(slug: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await adminA.post('/api/v1/tenants', { slug, name: slug, ...body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function goalRow(id: string) {
    const [row] = await queryPostgres<{ status: string; state: string }>(
      db.url,
      'SELECT status, state FROM goals WHERE id = $1',
      [id],
    );
    return row;
  }

  async function eventTypes(goalId: string): Promise<string[]> {
    const rows = await queryPostgres<{ type: string }>(
      db.url,
      'SELECT type FROM goal_events WHERE goal_id = $1 ORDER BY seq',
      [goalId],
    );
    return rows.map((r) => r.type);
  }

  // the admin key's own per-minute limit counts these polls
  const finished = (client: ApiClient, id: string) =>
    goalFinished(
      () => client.get<{ status: string; failure_reasons: string[] }>(`/api/v1/goals/${id}`),
      {
        what: `goal ${id} to finish`,
        intervalMs: 300,
      },
    );

  beforeAll(async () => {
    await llm.start();
    llm.when(is('intent_analyzer'), {
      json: { objective: 'do it', capabilities: ['analysis'], complexity: 'SIMPLE', risk: 'LOW' },
    });
    llm.when(is('planner'), { json: { tasks: [task('only')] } });
    llm.when(is('critic'), {
      json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] },
    });
    llm.when(is('tool_agent', 'SLOW-WORK'), { content: 'slow work done', latencyMs: 2500 });
    llm.when(is('tool_agent', 'COSTLY-WORK'), {
      content: 'costly work done',
      usage: { prompt_tokens: 400, completion_tokens: 200 },
    });
    llm.otherwise({ content: 'done' });

    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'gpt-4o-mini',
      LLM_API_KEY: 'test-key',
      LLM_RETRY_BASE_MS: '20',
      TASK_RETRY_BASE_MS: '20',
      TASK_MAX_ATTEMPTS: '1',
      LEASE_TTL_MS: '3000',
      SWEEPER_INTERVAL_MS: '1000',
      TENANT_RETENTION_DAYS: '0',
      TENANT_PURGE_INTERVAL_MS: '1000',
    };
    runner = await startApp({ env });
    other = await startApp({
      env: { ...env, PROCESS_JOBS: 'false', DB_MIGRATE_ON_START: 'false' },
    });
    adminA = new ApiClient(runner.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    adminB = new ApiClient(other.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await Promise.all([runner?.stop(), other?.stop()]);
    await db?.drop();
    await llm.stop();
  });

  it("a new tenant has its tier's quotas, with overrides on top; the default tenant has none", async () => {
    const id = await createTenant('tiered', { tier: 'STARTER', quotas: { agents: 7 } });
    const tenant = (await adminA.get(`/api/v1/tenants/${id}`)).body;
    expect(tenant).toMatchObject({ tier: 'STARTER', status: 'ACTIVE' });
    expect(tenant.quotas).toEqual({
      goals_per_day: 50,
      tokens_per_day: 50_000,
      agents: 7,
      workers: 2,
      storage_mb: 500,
      api_calls_per_minute: 30,
    });
    const upgraded = await adminB.post(`/api/v1/tenants/${id}/upgrade`, { tier: 'PROFESSIONAL' });
    expect(upgraded.body.quotas).toMatchObject({ goals_per_day: 200, agents: 7 });
    const me = (await adminA.get('/api/v1/tenants/me')).body;
    expect(me.tier).toBe('ENTERPRISE');
    expect(Object.values(me.quotas).every((v) => v === null)).toBe(true);

    const bad = await adminA.post(`/api/v1/tenants/${id}/upgrade`, { tier: 'PLATINUM' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('tier');
  });

  it('a pending tenant is refused until approved; moves the lifecycle lacks are refused by name', async () => {
    const id = await createTenant('waiting', { tier: 'ENTERPRISE', status: 'PENDING' });
    const refused = await adminB.inTenant(id).get('/api/v1/goals');
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/\/tenant-pending$/);
    expect((await adminA.post(`/api/v1/tenants/${id}/approve`, {})).body.status).toBe('ACTIVE');
    expect((await adminB.inTenant(id).get('/api/v1/goals')).status).toBe(200);

    const again = await adminA.post(`/api/v1/tenants/${id}/activate`, {});
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/\/tenant-status-conflict$/);
    const noReason = await adminA.post(`/api/v1/tenants/${id}/suspend`, {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('reason');
    const me = (await adminA.get('/api/v1/tenants/me')).body;
    const own = await adminA.post(`/api/v1/tenants/${me.id}/suspend`, { reason: 'try' });
    expect(own.status).toBe(409);
    expect((await adminA.get('/api/v1/tenants/me')).body.status).toBe('ACTIVE');
  });

  it('concurrent goal submissions over both processes create exactly the goals/day quota; the rest get 429 quota-exceeded', async () => {
    const quota = 7;
    const id = await createTenant('daily', {
      tier: 'FREE',
      quotas: { goals_per_day: quota, api_calls_per_minute: null },
    });
    const clients = [adminA.inTenant(id), adminB.inTenant(id)];
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        clients[i % 2].post('/api/v1/goals', { goal: `QUICK daily goal ${i}` }),
      ),
    );
    const created = responses.filter((r) => r.status === 202 || r.status === 201);
    const refused = responses.filter((r) => r.status === 429);
    expect([created.length, refused.length]).toEqual([quota, 30 - quota]);
    const sample = refused[0];
    expect(sample.headers.get('content-type')).toContain('application/problem+json');
    expect(sample.body.type).toMatch(/\/quota-exceeded$/);
    expect(sample.body).toMatchObject({ status: 429, resource: 'goals_per_day', limit: quota });
    expect(new Date(sample.body.resets_at).getTime()).toBeGreaterThan(Date.now());
    expect(Number(sample.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // nothing half-written: exactly the created goals exist, each with its goal.created event
    const [goals] = await queryPostgres<{ n: string; events: string }>(
      db.url,
      `SELECT count(*) AS n,
              (SELECT count(*) FROM goal_events e WHERE e.tenant_id = $1 AND e.type = 'goal.created') AS events
         FROM goals WHERE tenant_id = $1`,
      [id],
    );
    expect([Number(goals.n), Number(goals.events)]).toEqual([quota, quota]);
    const stats = (await adminB.get(`/api/v1/tenants/${id}/stats`)).body;
    expect(stats.quotas.find((q: { resource: string }) => q.resource === 'goals_per_day')).toEqual(
      expect.objectContaining({ limit: quota, used: quota, remaining: 0, percent: 100 }),
    );
  });

  it('one submission sent many times at once with its Idempotency-Key over both processes is one goal, counted once', async () => {
    // a quota smaller than the copies: a copy counted while another's use is not yet given
    // back may find the quota used up, and must still answer the one goal
    const id = await createTenant('same-key', {
      tier: 'FREE',
      quotas: { goals_per_day: 2, api_calls_per_minute: null },
    });
    const clients = [adminA.inTenant(id), adminB.inTenant(id)];
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        clients[i % 2].post(
          '/api/v1/goals',
          { goal: 'QUICK sent again and again' },
          { 'Idempotency-Key': 'one-goal' },
        ),
      ),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 202)).toEqual([]);
    expect(new Set(responses.map((r) => r.body.goal_id)).size).toBe(1);
    const stats = (await adminA.get(`/api/v1/tenants/${id}/stats`)).body;
    expect(stats.quotas.find((q: { resource: string }) => q.resource === 'goals_per_day')).toEqual(
      expect.objectContaining({ limit: 2, used: 1 }),
    );
  });

  it("API calls per minute is one limit over both processes, refused as the tenant's quota", async () => {
    const id = await createTenant('chatty', { tier: 'FREE', quotas: { api_calls_per_minute: 20 } });
    await clearOfMinuteEnd();
    const clients = [adminA.inTenant(id), adminB.inTenant(id)];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => clients[i % 2].get('/api/v1/goals')),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(20);
    expect(refused[0].body).toMatchObject({ resource: 'api_calls_per_minute', limit: 20 });
    expect(refused[0].body.type).toMatch(/\/quota-exceeded$/);
  });

  it('a workers quota of 1 drives one goal at a time; the others wait queued and all finish', async () => {
    const id = await createTenant('one-worker', {
      tier: 'FREE',
      quotas: { workers: 1, goals_per_day: null, api_calls_per_minute: null, tokens_per_day: null },
    });
    const tenantApi = adminA.inTenant(id);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await tenantApi.post('/api/v1/goals', { goal: `SLOW-WORK: part ${i}` })).body.goal_id,
      );
    let most = 0;
    const sampling = setInterval(() => {
      void queryPostgres<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM goals WHERE tenant_id = $1 AND lease_expires_at > now()
            AND status IN ('queued', 'running')`,
        [id],
      ).then(([row]) => (most = Math.max(most, Number(row.n))));
    }, 100);
    try {
      for (const goalId of ids)
        expect((await finished(tenantApi, goalId)).status).toBe('completed');
    } finally {
      clearInterval(sampling);
    }
    expect(most).toBe(1);
    const workers = (await tenantApi.get('/api/v1/tenants/me/stats')).body.quotas.find(
      (q: { resource: string }) => q.resource === 'workers',
    );
    expect(workers).toMatchObject({ limit: 1, used: 0 });
  });

  it('suspend pauses a running goal and refuses requests; activate resumes it to completion', async () => {
    const id = await createTenant('paused', { tier: 'ENTERPRISE' });
    const tenantApi = adminA.inTenant(id);
    const { body } = await tenantApi.post('/api/v1/goals', { goal: 'SLOW-WORK: one long step' });
    const goalId = body.goal_id as string;
    await waitFor(async () => (await goalRow(goalId)).state === 'EXECUTING' || undefined, {
      what: 'the goal to execute',
      timeoutMs: 30_000,
    });

    const suspended = await adminB.post(`/api/v1/tenants/${id}/suspend`, { reason: 'billing' });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'SUSPENDED', status_reason: 'billing' });
    for (const client of [adminA.inTenant(id), adminB.inTenant(id)]) {
      const refused = await client.get(`/api/v1/goals/${goalId}`);
      expect(refused.status).toBe(403);
      expect(refused.body.type).toMatch(/\/tenant-suspended$/);
      expect(refused.body.tenant_status).toBe('SUSPENDED');
    }
    expect((await goalRow(goalId)).status).toBe('paused');
    const eventsWhilePaused = (await eventTypes(goalId)).length;
    await new Promise((resolve) => setTimeout(resolve, 4000)); // past the slow step and a lease
    const held = await goalRow(goalId);
    expect(held).toEqual({ status: 'paused', state: 'EXECUTING' });
    expect((await eventTypes(goalId)).length).toBe(eventsWhilePaused);

    const activated = await adminB.post(`/api/v1/tenants/${id}/activate`, {});
    expect(activated.body.status).toBe('ACTIVE');
    const goal = await finished(tenantApi, goalId);
    expect(goal.status).toBe('completed');
    const types = await eventTypes(goalId);
    expect(types).toContain('goal.paused');
    expect(types.indexOf('goal.resumed')).toBeGreaterThan(types.indexOf('goal.paused'));
  });

  it("delete refuses the tenant at once; the purge then removes its rows from every tenant table and nothing of another's", async () => {
    const gone = await createTenant('gone', { tier: 'ENTERPRISE', owner_email: 'owner@gone.test' });
    const kept = await createTenant('kept', { tier: 'ENTERPRISE', owner_email: 'owner@kept.test' });
    for (const tenant of [gone, kept]) {
      const { body } = await adminA.inTenant(tenant).post('/api/v1/goals', { goal: 'QUICK work' });
      expect((await finished(adminA.inTenant(tenant), body.goal_id)).status).toBe('completed');
      expect(
        (
          await adminA.post(`/api/v1/tenants/${tenant}/api-keys`, {
            name: 'integration',
            scopes: ['read:goals'],
          })
        ).status,
      ).toBe(201);
    }
    const tables = (
      await queryPostgres<{ table_name: string }>(
        db.url,
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
      )
    ).map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(['goals', 'users', 'api_keys', 'tenant_usage']));
    const counts = async (tenant: string) =>
      Object.fromEntries(
        await Promise.all(
          tables.map(async (t) => {
            const [row] = await queryPostgres<{ n: string }>(
              db.url,
              `SELECT count(*) AS n FROM "${t}" WHERE tenant_id = $1`,
              [tenant],
            );
            return [t, Number(row.n)] as const;
          }),
        ),
      );
    // the audit entries of the requests above are written after their answers: read the
    // kept tenant's rows once they have stopped changing
    let keptBefore = await counts(kept);
    await waitFor(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const again = await counts(kept);
        const settled = JSON.stringify(again) === JSON.stringify(keptBefore);
        keptBefore = again;
        return settled || undefined;
      },
      { what: "the kept tenant's rows to settle", timeoutMs: 10_000 },
    );
    const goneBefore = await counts(gone);
    expect(goneBefore.goals).toBe(1);
    expect(goneBefore.users).toBe(1);
    expect(goneBefore.api_keys).toBe(1);

    const deleted = await adminB.delete(`/api/v1/tenants/${gone}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('DELETED');
    const refused = await adminA.inTenant(gone).get('/api/v1/goals');
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/\/tenant-deleted$/);

    await waitFor(
      async () => (await adminA.get(`/api/v1/tenants/${gone}`)).status === 404 || undefined,
      {
        what: 'the purge of the deleted tenant',
        timeoutMs: 20_000,
      },
    );
    const goneAfter = await counts(gone);
    expect(Object.values(goneAfter).every((n) => n === 0)).toBe(true);
    expect(await counts(kept)).toEqual(keptBefore);
  });

  it('a spent daily token budget stops a running goal with the budget as its reason', async () => {
    const id = await createTenant('thrifty', {
      tier: 'FREE',
      quotas: { tokens_per_day: 1000, api_calls_per_minute: null },
    });
    const tenantApi = adminA.inTenant(id);
    const first = (await tenantApi.post('/api/v1/goals', { goal: 'COSTLY-WORK: spend tokens' }))
      .body;
    await finished(tenantApi, first.goal_id);
    const second = (await tenantApi.post('/api/v1/goals', { goal: 'COSTLY-WORK: spend more' }))
      .body;
    const goal = await finished(tenantApi, second.goal_id);
    expect(goal.status).toBe('failed');
    expect(JSON.stringify(goal.failure_reasons)).toMatch(
      /daily token budget of 1000 tokens is spent/,
    );
    const stats = (await tenantApi.get('/api/v1/tenants/me/stats')).body;
    const tokens = stats.quotas.find((q: { resource: string }) => q.resource === 'tokens_per_day');
    expect(tokens.used).toBeGreaterThanOrEqual(1000);
    expect(tokens.remaining).toBe(0);

    const metrics = await (
      await fetch(`${runner.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    expect(metrics).toMatch(
      new RegExp(
        `tenant_quota_used\\{tenant="${id}",tier="FREE",resource="tokens_per_day"\\} \\d+`,
      ),
    );
    expect(metrics).toContain(
      `tenant_quota_limit{tenant="${id}",tier="FREE",resource="tokens_per_day"} 1000`,
    );
  });
});
