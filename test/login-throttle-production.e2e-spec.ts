import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
} from '#testing';

/** Production mode: the login counters live in Redis, shared by every API process. */
describe('login throttling across two API processes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      PROCESS_JOBS: 'false',
      LOGIN_MAX_FAILURES_PER_IP: '6',
      LOGIN_THROTTLE_WINDOW_MS: '120000',
    };
    // The first process migrates; the second starts on the migrated schema.
    processes.push(await startApp({ env }));
    processes.push(await startApp({ env }));
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db?.drop();
  });

  it('a spray split over both processes meets 429 once the shared count is reached', async () => {
    const [a, b] = processes.map((p) => new ApiClient(p.baseUrl));
    // a successful login takes its attempt back: it does not use up the budget
    const ok = await a.post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    expect(ok.status).toBe(200);
    for (let i = 0; i < 6; i++) {
      // X-Forwarded-For from an untrusted peer is ignored: rotating it changes nothing
      const res = await (i % 2 ? b : a)
        .withHeaders({ 'x-forwarded-for': `198.51.100.${i + 1}` })
        .post('/api/v1/auth/login', { email: `victim-${i}@example.com`, password: 'Winter2026!' });
      expect([i, res.status]).toEqual([i, 401]);
    }
    for (const api of [a, b]) {
      const res = await api.post('/api/v1/auth/login', {
        email: TEST_ADMIN_EMAIL,
        password: TEST_ADMIN_PASSWORD,
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});
