import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  JsonResponse,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

const BURST = 2000;
const CONCURRENCY = 50;
const TAIL = 300;
/** The route under load: authenticated, mutating (so audited), one small upsert. */
const ROUTE = '/dashboard/settings';

/** Runs `count` calls, at most `concurrency` at once; each result kept at its index. */
async function inParallel<T>(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

/**
 * Production mode, two API processes on one PostgreSQL database: a burst of audited
 * requests over both extends the tenant's one chain from two writers at once, and a
 * process stopped with entries still queued in its writer, with a batch waiting on the
 * chain lock, or with requests still arriving, stores every entry before it exits.
 */
describe('the audit log under load over two API processes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let processA: AppProcess;
  let processB: AppProcess;
  let adminA: ApiClient;
  let adminB: ApiClient;
  let tenantId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      PROCESS_JOBS: 'false',
      LOG_LEVEL: 'warn',
      AUDIT_ENABLED: 'true',
      API_KEY_RATE_PER_MINUTE: '10000000',
      API_KEY_RATE_PER_HOUR: '100000000',
      API_KEY_RATE_PER_DAY: '1000000000',
      API_KEY_RATE_BURST: '1000000',
    };
    processA = await startApp({ env });
    // B flushes its writer rarely, so a stop finds entries still queued there
    processB = await startApp({
      env: { ...env, DB_MIGRATE_ON_START: 'false', AUDIT_FLUSH_MS: '2000' },
    });
    adminA = new ApiClient(processA.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    adminB = new ApiClient(processB.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    tenantId = (await adminA.get('/api/v1/tenants/current')).body.id;
    expect(tenantId).toEqual(expect.any(String));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([processA?.stop(), processB?.stop()]);
    await db?.drop();
  });

  const settingsCall = (client: ApiClient, requestId: string, i: number) =>
    client.request('POST', ROUTE, { refresh_ms: 1000 + (i % 1000) }, { 'x-request-id': requestId });

  /** Audit entries per request id `<prefix>-*` (ids without an entry are absent). */
  async function entriesPerRequest(prefix: string): Promise<Map<string, number>> {
    const rows = await queryPostgres<{ request_id: string; n: string }>(
      db.url,
      `SELECT request_id, count(*) AS n FROM audit_events
        WHERE tenant_id = $1 AND request_id LIKE $2 GROUP BY request_id`,
      [tenantId, `${prefix}-%`],
    );
    return new Map(rows.map((r) => [r.request_id, Number(r.n)]));
  }

  async function storedCount(prefix: string): Promise<number> {
    const [row] = await queryPostgres<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1 AND request_id LIKE $2`,
      [tenantId, `${prefix}-%`],
    );
    return Number(row.n);
  }

  it(`${BURST} requests (${CONCURRENCY} at once) over both processes: one entry each, one valid gapless chain`, async () => {
    const prefix = `burst${randomBytes(4).toString('hex')}`;
    const ids = Array.from({ length: BURST }, (_, i) => `${prefix}-${i}`);
    const clients = [adminA, adminB];
    const responses = await inParallel(BURST, CONCURRENCY, (i) =>
      settingsCall(clients[i % 2], ids[i], i),
    );
    expect(responses.filter((r) => r.status !== 200).map((r) => [r.status, r.body])).toEqual([]);
    expect(responses.every((r, i) => r.headers.get('x-request-id') === ids[i])).toBe(true);

    await waitFor(async () => (await storedCount(prefix)) >= BURST, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: `${BURST} audit entries`,
    });
    const perRequest = await entriesPerRequest(prefix);
    expect(ids.filter((id) => perRequest.get(id) !== 1)).toEqual([]);
    expect(perRequest.size).toBe(BURST);
    const entries = await queryPostgres<{ method: string; outcome: string; category: string }>(
      db.url,
      `SELECT DISTINCT method, outcome, category FROM audit_events
        WHERE tenant_id = $1 AND request_id LIKE $2`,
      [tenantId, `${prefix}-%`],
    );
    expect(entries).toEqual([{ method: 'POST', outcome: 'SUCCESS', category: 'DATA_MUTATION' }]);

    const [chain] = await queryPostgres<{
      n: string;
      distinct_seq: string;
      lo: string;
      hi: string;
    }>(
      db.url,
      `SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq, min(seq) AS lo, max(seq) AS hi
         FROM audit_events WHERE tenant_id = $1`,
      [tenantId],
    );
    const n = Number(chain.n);
    expect(n).toBeGreaterThanOrEqual(BURST);
    expect([Number(chain.distinct_seq), Number(chain.lo), Number(chain.hi)]).toEqual([n, 1, n]);

    const verified = await adminB.get('/api/v1/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ tenant_id: tenantId, valid: true, starts_after: 0 });
    expect(verified.body.entries).toBeGreaterThanOrEqual(BURST);
  }, 90_000);

  it(`a process stopped with ${TAIL} entries still queued in its writer stores every one before it exits`, async () => {
    const prefix = `tail${randomBytes(4).toString('hex')}`;
    const ids = Array.from({ length: TAIL }, (_, i) => `${prefix}-${i}`);
    const responses = await inParallel(TAIL, CONCURRENCY, (i) => settingsCall(adminB, ids[i], i));
    expect(responses.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
    // B flushes every 2 s: right after the last answer, most of these wait in its writer
    const queued = TAIL - (await storedCount(prefix));
    const code = await processB.stop();
    expect(code).toBe(0);
    expect(queued).toBeGreaterThan(0);

    const perRequest = await entriesPerRequest(prefix);
    expect(ids.filter((id) => perRequest.get(id) !== 1)).toEqual([]);
    expect(processB.output()).not.toMatch(/audit entries not stored|could not be stored/);

    const verified = await adminA.get('/api/v1/audit/verify');
    expect(verified.body).toMatchObject({ valid: true });
  }, 60_000);

  it('a process stopped while its flush waits on the chain lock stores that batch before it exits', async () => {
    // C flushes once all the requests below have answered: its one batch takes them all
    const processC = await startApp({
      env: { ...env, DB_MIGRATE_ON_START: 'false', AUDIT_FLUSH_MS: '3000' },
    });
    const adminC = new ApiClient(processC.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const prefix = `locked${randomBytes(4).toString('hex')}`;
    const ids = Array.from({ length: TAIL }, (_, i) => `${prefix}-${i}`);
    // another writer holds the tenant's chain (as a long batch of another process would)
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `audit-chain:${tenantId}`,
      ]);
      const responses = await inParallel(TAIL, CONCURRENCY, (i) => settingsCall(adminC, ids[i], i));
      expect(responses.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
      // C's flush takes every queued entry and waits on the lock: nothing is left queued
      await waitFor(
        async () =>
          (
            await queryPostgres(
              db.url,
              `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
            )
          ).length > 0,
        { timeoutMs: 10_000, what: "C's flush to wait on the chain lock" },
      );
      const stopped = processC.stop();
      await new Promise((r) => setTimeout(r, 2500));
      await holder.query('COMMIT');
      expect(await stopped).toBe(0);
    } finally {
      await holder.end();
    }
    const perRequest = await entriesPerRequest(prefix);
    expect(ids.filter((id) => perRequest.get(id) !== 1)).toEqual([]);
    expect(processC.output()).not.toMatch(/audit entries not stored|could not be stored/);
    expect((await adminA.get('/api/v1/audit/verify')).body).toMatchObject({ valid: true });
  }, 60_000);

  it('a process stopped while requests are still arriving stores the entry of every request it answered', async () => {
    const processD = await startApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' } });
    const adminD = new ApiClient(processD.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const prefix = `inflight${randomBytes(4).toString('hex')}`;
    const ids = Array.from({ length: TAIL }, (_, i) => `${prefix}-${i}`);
    let answered = 0;
    let stopping: Promise<number | null> | undefined;
    const responses = await inParallel(TAIL, CONCURRENCY, async (i) => {
      const response: JsonResponse | undefined = await settingsCall(adminD, ids[i], i).catch(
        () => undefined,
      );
      // half-way, the process is told to stop while the other half is on its way
      if (++answered === TAIL / 2) stopping = processD.stop();
      return response;
    });
    expect(await stopping).toBe(0);
    const ok = ids.filter((_, i) => responses[i]?.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(TAIL / 2);

    const perRequest = await entriesPerRequest(prefix);
    expect(ok.filter((id) => perRequest.get(id) !== 1)).toEqual([]);
    // no request has two entries, answered or not
    expect([...perRequest.values()].filter((n) => n !== 1)).toEqual([]);
    expect(processD.output()).not.toMatch(/audit entries not stored|could not be stored/);
    expect((await adminA.get('/api/v1/audit/verify')).body).toMatchObject({ valid: true });
  }, 60_000);
});
