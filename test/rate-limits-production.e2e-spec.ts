import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

const RULES = JSON.stringify([
  {
    name: 'live-per-ip',
    path: '/health/live',
    methods: ['GET'],
    strategy: 'SLIDING_WINDOW',
    scope: 'IP',
    limit: 100,
    window_s: 60,
  },
]);
const EXEMPT_IP = '198.51.100.99';

/** A burst that straddles a window's end would be judged against two windows: start clear of one. */
async function clearOfMinuteEnd(): Promise<void> {
  await waitFor(() => Date.now() % 60_000 < 55_000, { timeoutMs: 10_000, what: 'minute start' });
}

/**
 * Production mode with two API processes on one Redis: a limit holds across processes,
 * every limited response says where the caller stands, and X-Forwarded-For counts only
 * from a trusted proxy.
 */
describe('rate limits across API processes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let processA: AppProcess;
  let processB: AppProcess;
  let behindProxy: AppProcess;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      PROCESS_JOBS: 'false',
      RATE_LIMIT_RULES: RULES,
      RATE_LIMIT_EXEMPT_PATHS: '/metrics',
      RATE_LIMIT_EXEMPT_IPS: EXEMPT_IP,
      RATE_LIMIT_RULES_REFRESH_MS: '300',
    };
    processA = await startApp({ env });
    processB = await startApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' } });
    behindProxy = await startApp({
      env: {
        RATE_LIMIT_RULES: RULES,
        RATE_LIMIT_EXEMPT_PATHS: '/metrics',
        RATE_LIMIT_EXEMPT_IPS: EXEMPT_IP,
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
  });

  afterAll(async () => {
    await Promise.all([processA?.stop(), processB?.stop(), behindProxy?.stop()]);
    await db?.drop();
  });

  it('300 concurrent requests over both processes against 100 per minute let exactly 100 through', async () => {
    await clearOfMinuteEnd();
    const clients = [new ApiClient(processA.baseUrl), new ApiClient(processB.baseUrl)];
    const responses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => clients[i % 2].get('/health/live')),
    );
    const passed = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect([passed.length, refused.length]).toEqual([100, 200]);

    for (const r of responses) {
      expect(r.headers.get('x-ratelimit-limit')).toBe('100');
      expect(r.headers.get('x-ratelimit-rule')).toBe('live-per-ip');
      expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      expect(r.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    }
    const remaining = passed.map((r) => Number(r.headers.get('x-ratelimit-remaining')));
    expect(new Set(remaining).size).toBe(100);
    const sample = refused[0];
    expect(sample.headers.get('content-type')).toContain('application/problem+json');
    expect(sample.body).toMatchObject({ status: 429, rule: 'live-per-ip' });
    expect(sample.body.type).toMatch(/\/rate-limited$/);
    expect(Number(sample.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(sample.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('X-Forwarded-For from an untrusted peer changes neither the counter nor the exempt addresses', async () => {
    const client = new ApiClient(processB.baseUrl);
    for (const forwarded of ['198.51.100.1', EXEMPT_IP]) {
      const res = await client.withHeaders({ 'x-forwarded-for': forwarded }).get('/health/live');
      expect(res.status).toBe(429);
    }
  });

  it('behind a trusted proxy, each forwarded address has its own counter and exempt ones none', async () => {
    const from = (ip: string) =>
      new ApiClient(behindProxy.baseUrl).withHeaders({ 'x-forwarded-for': ip });
    await clearOfMinuteEnd();
    const first = await Promise.all(
      Array.from({ length: 101 }, () => from('198.51.100.1').get('/health/live')),
    );
    expect(first.filter((r) => r.status === 200)).toHaveLength(100);
    expect((await from('198.51.100.2').get('/health/live')).status).toBe(200);
    const exempt = await from(EXEMPT_IP).get('/health/live');
    expect(exempt.status).toBe(200);
    expect(exempt.headers.get('x-ratelimit-rule')).toBeNull();
  });

  it('a rule added through the admin API on one process holds on the other', async () => {
    const adminA = new ApiClient(processA.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const adminB = new ApiClient(processB.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const created = await adminA.post('/api/v1/rate-limits/rules', {
      name: 'me-per-user',
      path: '/api/v1/auth/me',
      methods: ['GET'],
      strategy: 'FIXED_WINDOW',
      scope: 'USER',
      limit: 3,
      window_s: 3600,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'admin', scope: 'USER', window_s: 3600 });

    const taken = await adminA.post('/api/v1/rate-limits/rules', {
      name: 'live-per-ip',
      path: '/x',
      strategy: 'FIXED_WINDOW',
      scope: 'IP',
      limit: 1,
      window_s: 1,
    });
    expect(taken.status).toBe(409);
    const list = await adminB.get('/api/v1/rate-limits/rules');
    expect(list.body.rules.map((r: { name: string }) => r.name)).toEqual([
      'live-per-ip',
      'me-per-user',
    ]);

    await waitFor(
      async () =>
        (await adminB.get('/api/v1/auth/me')).headers.get('x-ratelimit-rule') === 'me-per-user',
      { what: 'the new rule on process B' },
    );
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await adminB.get('/api/v1/auth/me')).status);
    expect(statuses).toContain(429);

    const changed = await adminA.patch(`/api/v1/rate-limits/rules/${created.body.id}`, {
      limit: 1000,
    });
    expect(changed.body.limit).toBe(1000);
    expect((await adminA.delete(`/api/v1/rate-limits/rules/${created.body.id}`)).status).toBe(204);
    expect((await adminA.get(`/api/v1/rate-limits/rules/${created.body.id}`)).status).toBe(404);
  });

  it('only platform administrators manage rules', async () => {
    const anonymous = new ApiClient(processA.baseUrl);
    expect((await anonymous.get('/api/v1/rate-limits/rules')).status).toBe(401);
  });
});
