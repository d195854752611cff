/**
 * `npm run bench:audit`: what the audit log adds to an audited request.
 *
 * Production mode (PostgreSQL, a fresh database made like the e2e suites make theirs, and
 * Redis): two API processes on that database, one with AUDIT_ENABLED=true and one with
 * AUDIT_ENABLED=false, take the same workload — POST /dashboard/settings (authenticated
 * with the admin API key, mutating, so audited: one small upsert) — over keep-alive HTTP,
 * BENCH_CONCURRENCY (16) requests at once, BENCH_N (2000) requests per mode and round,
 * BENCH_ROUNDS (5) rounds, after BENCH_WARMUP (1000) requests to each process. Within a
 * round the modes alternate every BENCH_SLICE (250) requests, in the order on/off then
 * off/on, so a drift of the machine's load (other processes on it included) touches both
 * alike. After each audit-on slice the bench waits until the audit_events table holds one
 * entry per successful request of the round so far (matched by the X-Request-Id each
 * request sent; at most BENCH_STORE_TIMEOUT_MS, 30 s), so no flush of one mode overlaps
 * the other's requests; the table counts every round's entries at its end.
 * Prints a table (median and p95 latency, throughput per mode, the ratio on/off of the
 * medians), the entries stored, and the targets; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import {
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
} from '#testing';

const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const SLICE = Math.min(N, Number(process.env.BENCH_SLICE ?? 250));
const STORE_TIMEOUT_MS = Number(process.env.BENCH_STORE_TIMEOUT_MS ?? 30_000);
const ROUTE = '/dashboard/settings';
const TARGET_RATIO = 1.1;

type Mode = 'on' | 'off';

interface Burst {
  latencies: number[];
  ok: number;
  failed: number;
  wallMs: number;
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (v: number) => `${v.toFixed(2)} ms`;
const sleep = (msToWait: number) => new Promise((r) => setTimeout(r, msToWait));

/**
 * Audited requests number `from` to `to` - 1 (request ids `<prefix>-<i>`) to `app`,
 * CONCURRENCY at once over keep-alive connections.
 */
async function burst(app: AppProcess, agent: Agent, prefix: string, from: number, to: number) {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ refresh_ms: 1000 + (i % 1000) });
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: app.port,
          path: ROUTE,
          method: 'POST',
          agent,
          headers: {
            'x-api-key': TEST_ADMIN_API_KEY,
            'x-request-id': `${prefix}-${i}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if (res.statusCode === 200) ok++;
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = from;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, to - from) }, async () => {
      while (next < to) await post(next++);
    }),
  );
  return { latencies, ok, failed, wallMs: performance.now() - started } satisfies Burst;
}

/** Audit entries stored for the requests whose ids start with `prefix`. */
async function storedFor(databaseUrl: string, prefix: string): Promise<number> {
  const [row] = await queryPostgres<{ n: string }>(
    databaseUrl,
    `SELECT count(*) AS n FROM audit_events WHERE request_id LIKE $1`,
    [`${prefix}-%`],
  );
  return Number(row.n);
}

/** Waits until `expected` entries are stored (or the timeout): the count, and how long. */
async function awaitStored(databaseUrl: string, prefix: string, expected: number) {
  const started = performance.now();
  const deadline = Date.now() + STORE_TIMEOUT_MS;
  let stored = await storedFor(databaseUrl, prefix);
  while (stored < expected && Date.now() < deadline) {
    await sleep(50);
    stored = await storedFor(databaseUrl, prefix);
  }
  return { stored, afterMs: performance.now() - started };
}

async function main(): Promise<void> {
  const db = await createPostgresDatabase();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
    PROCESS_JOBS: 'false',
    LOG_LEVEL: 'warn',
    API_KEY_RATE_PER_MINUTE: '10000000',
    API_KEY_RATE_PER_HOUR: '100000000',
    API_KEY_RATE_PER_DAY: '1000000000',
    API_KEY_RATE_BURST: '1000000',
  };
  const apps: Partial<Record<Mode, AppProcess>> = {};
  const agents: Record<Mode, Agent> = {
    on: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
    off: new Agent({ keepAlive: true, maxSockets: CONCURRENCY }),
  };
  try {
    apps.on = await startApp({ env: { ...env, AUDIT_ENABLED: 'true' } });
    apps.off = await startApp({
      env: { ...env, AUDIT_ENABLED: 'false', DB_MIGRATE_ON_START: 'false' },
    });
    const run = randomBytes(4).toString('hex');
    for (const mode of ['on', 'off'] as const)
      await burst(apps[mode]!, agents[mode], `warm${mode}${run}`, 0, WARMUP);
    await awaitStored(db.url, `warmon${run}`, WARMUP);

    const results: Record<Mode, Burst[]> = { on: [], off: [] };
    let sent = 0;
    let stored = 0;
    let slowestStoreMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const rounds: Record<Mode, Burst> = {
        on: { latencies: [], ok: 0, failed: 0, wallMs: 0 },
        off: { latencies: [], ok: 0, failed: 0, wallMs: 0 },
      };
      for (let from = 0, slice = 0; from < N; from += SLICE, slice++) {
        const order: Mode[] = (round + slice) % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
        for (const mode of order) {
          const prefix = `b${run}${mode}r${round}`;
          const result = await burst(apps[mode]!, agents[mode], prefix, from, from + SLICE);
          const total = rounds[mode];
          total.latencies.push(...result.latencies);
          total.ok += result.ok;
          total.failed += result.failed;
          total.wallMs += result.wallMs;
          if (mode === 'on') {
            // the other mode runs once these entries are in: no flush of this one overlaps it
            const store = await awaitStored(db.url, prefix, total.ok);
            slowestStoreMs = Math.max(slowestStoreMs, store.afterMs);
          }
        }
      }
      results.on.push(rounds.on);
      results.off.push(rounds.off);
      sent += rounds.on.ok;
      stored += await storedFor(db.url, `b${run}onr${round}`);
    }
    // the off process records nothing
    const unexpected = (
      await Promise.all(
        Array.from({ length: ROUNDS }, (_, r) => storedFor(db.url, `b${run}offr${r}`)),
      )
    ).reduce((a, b) => a + b, 0);

    const summary = (mode: Mode) => {
      const all = results[mode].flatMap((r) => r.latencies);
      const requests = results[mode].reduce((a, r) => a + r.latencies.length, 0);
      const wallS = results[mode].reduce((a, r) => a + r.wallMs, 0) / 1000;
      return {
        median: quantile(all, 0.5),
        p95: quantile(all, 0.95),
        throughput: requests / wallS,
        failed: results[mode].reduce((a, r) => a + r.failed, 0),
        requests,
      };
    };
    const on = summary('on');
    const off = summary('off');
    const ratio = on.median / off.median;
    const roundRatios = results.on.map(
      (r, i) => quantile(r.latencies, 0.5) / quantile(results.off[i].latencies, 0.5),
    );
    const lost = sent - stored;

    console.log(
      `\nAudit log overhead: POST ${ROUTE} (API key), PostgreSQL + Redis, ${ROUNDS} rounds × ${N} requests per mode (alternating every ${SLICE}), ${CONCURRENCY} at once, keep-alive\n`,
    );
    console.table([
      {
        mode: 'audit on',
        requests: on.requests,
        failed: on.failed,
        median: ms(on.median),
        p95: ms(on.p95),
        throughput: `${on.throughput.toFixed(0)} req/s`,
      },
      {
        mode: 'audit off',
        requests: off.requests,
        failed: off.failed,
        median: ms(off.median),
        p95: ms(off.p95),
        throughput: `${off.throughput.toFixed(0)} req/s`,
      },
      {
        mode: 'ratio on / off',
        requests: '',
        failed: '',
        median: ratio.toFixed(3),
        p95: (on.p95 / off.p95).toFixed(3),
        throughput: (on.throughput / off.throughput).toFixed(3),
      },
    ]);
    console.log(`median ratio per round: ${roundRatios.map((r) => r.toFixed(3)).join(', ')}`);
    console.log(
      `entries stored: ${stored} of ${sent} (lost: ${lost}); the last one stored at most ${(slowestStoreMs / 1000).toFixed(2)} s after its slice's last answer`,
    );
    if (unexpected) console.log(`entries recorded with audit off: ${unexpected}`);
    console.log(
      `target: median latency on / off ≤ ${TARGET_RATIO.toFixed(2)} → ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (${ratio.toFixed(3)})`,
    );
    console.log(
      `target: every audited request stored → ${lost === 0 && on.failed === 0 ? 'met' : 'NOT met'}`,
    );
  } finally {
    agents.on.destroy();
    agents.off.destroy();
    await Promise.all([apps.on?.stop(), apps.off?.stop()]);
    await db.drop();
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
