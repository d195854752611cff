/**
 * npm run bench:webhooks — what webhooks cost, in production mode (PostgreSQL, BullMQ on
 * Redis, an API process that serves HTTP only and one worker process that sends).
 *
 * (i) Throughput: BENCH_N (2000) events go to one endpoint at a loopback receiver that
 * answers 200 at once. BENCH_SOURCE=events (the default) appends goal events to a goal's
 * log in SQL, as the goal's path does, BENCH_BATCH (50) per transaction (the outbox writes
 * their deliveries); BENCH_SOURCE=test makes each event with POST
 * /api/v1/webhooks/{id}/test, BENCH_CONCURRENCY (16) at once (the route then bounds the
 * rate). Measured from the first request (or insert) to the receipt of the last
 * delivery: deliveries per second.
 *
 * (ii) Added latency on the goal's path: the median time of one transaction that appends
 * one goal event (the statement shape of the product's event log: the goal row's position
 * reserved, the event inserted) for a goal of a tenant with no endpoint, and for a goal of a
 * tenant with 3 endpoints that subscribe to that event, BENCH_SAMPLES (2000) of each,
 * alternating, after BENCH_WARMUP (200) of each; the statement alone (without the commit,
 * whose flush to disk dominates the transaction and varies most) is timed too. Nothing sends meanwhile (the worker has
 * stopped): only the publishing is measured.
 *
 * Prints a table and whether the target (median added latency < 0.5 ms) is met; asserts
 * nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { ApiClient, createPostgresDatabase, waitFor } from '#testing';
import { startProductionPair } from './production-pair';

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SOURCE = process.env.BENCH_SOURCE ?? 'events';
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const TARGET_ADDED_MS = 0.5;
/** The event type the publishing measure appends (one every goal has). */
const EVENT_TYPE = 'goal.status';
const BENCH_WEBHOOK_KEY = 'cd'.repeat(32);

/** A loopback receiver that answers 200 at once and notes when each delivery first arrived. */
async function startReceiver(): Promise<{
  port: number;
  firstSeen: Map<string, number>;
  requests: () => number;
  close(): Promise<void>;
}> {
  const firstSeen = new Map<string, number>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const id = String(req.headers['x-webhook-delivery-id'] ?? `anonymous-${requests}`);
      if (!firstSeen.has(id)) firstSeen.set(id, performance.now());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    firstSeen,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Appends `count` events to a goal's log in one statement, as the product's event log does. */
async function appendEvents(
  pg: Client,
  tenantId: string,
  goalId: string,
  count: number,
): Promise<void> {
  await pg.query(
    `WITH s AS (
       UPDATE goals SET event_seq = event_seq + $3::int
        WHERE id = $2::uuid AND tenant_id = $1::uuid
       RETURNING event_seq)
     INSERT INTO goal_events (tenant_id, goal_id, seq, type, task_id, data, created_at)
     SELECT $1::uuid, $2::uuid, s.event_seq - $3::int + n, $4, NULL,
            jsonb_build_object('from', 'running', 'to', 'running', 'status', 'running', 'n', n),
            clock_timestamp()
       FROM s, generate_series(1, $3::int) AS n`,
    [tenantId, goalId, count, EVENT_TYPE],
  );
}

/** A tenant of the bench's own with one finished goal. */
async function tenantWithGoal(admin: ApiClient, slug: string) {
  const tenant = await admin.post('/api/v1/tenants', { slug, name: slug, tier: 'ENTERPRISE' });
  if (tenant.status !== 201) throw new Error(`could not create tenant ${slug}: ${tenant.status}`);
  const client = admin.inTenant(tenant.body.id);
  const goal = await client.post('/api/v1/goals', { goal: `Say hello to ${slug}` });
  if (goal.status !== 202) throw new Error(`could not submit a goal: ${goal.status}`);
  await waitFor(
    async () =>
      ['completed', 'failed'].includes(
        (await client.get(`/api/v1/goals/${goal.body.goal_id}`)).body.status,
      ),
    { what: `the goal of ${slug} to finish`, timeoutMs: 60_000, intervalMs: 100 },
  );
  return { tenantId: tenant.body.id as string, goalId: goal.body.goal_id as string, client };
}

async function createEndpoint(client: ApiClient, url: string, events: string[]) {
  const res = await client.post('/api/v1/webhooks', { url, events, name: 'bench' });
  if (res.status !== 201)
    throw new Error(`could not create an endpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
}

async function throughput(
  admin: ApiClient,
  pg: Client,
  receiverUrl: string,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<{ source: string; wallMs: number; produceMs: number; delivered: number }> {
  const { tenantId, goalId, client } = await tenantWithGoal(admin, 'bench-throughput');
  const endpoint = await createEndpoint(
    client,
    receiverUrl,
    SOURCE === 'events' ? [EVENT_TYPE] : ['goal.completed'],
  );
  const before = receiver.firstSeen.size;
  const started = performance.now();
  if (SOURCE === 'events') {
    for (let sent = 0; sent < N; sent += BATCH) {
      await pg.query('BEGIN');
      await appendEvents(pg, tenantId, goalId, Math.min(BATCH, N - sent));
      await pg.query('COMMIT');
    }
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          next++;
          const res = await client.post(`/api/v1/webhooks/${endpoint.id}/test`);
          if (res.status !== 202) throw new Error(`test event refused: ${res.status}`);
        }
      }),
    );
  }
  const produced = performance.now();
  await waitFor(() => receiver.firstSeen.size - before >= N, {
    what: `${N} deliveries at the receiver`,
    timeoutMs: 600_000,
    intervalMs: 20,
  }).catch((error: Error) => {
    console.error(`${error.message}: ${receiver.firstSeen.size - before} arrived`);
  });
  const last = Math.max(...[...receiver.firstSeen.values()].slice(before));
  return {
    source: SOURCE,
    wallMs: last - started,
    produceMs: produced - started,
    delivered: receiver.firstSeen.size - before,
  };
}

/** Milliseconds of one transaction appending one event to the goal's log, and of its statement. */
async function timedAppend(
  pg: Client,
  tenantId: string,
  goalId: string,
): Promise<{ tx: number; statement: number }> {
  const t0 = performance.now();
  await pg.query('BEGIN');
  const t1 = performance.now();
  await appendEvents(pg, tenantId, goalId, 1);
  const t2 = performance.now();
  await pg.query('COMMIT');
  return { tx: performance.now() - t0, statement: t2 - t1 };
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const receiverUrl = `http://127.0.0.1:${receiver.port}/bench`;
  const db = await createPostgresDatabase();
  const env = {
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ENABLED: 'false',
    API_KEY_RATE_PER_MINUTE: '10000000',
    API_KEY_RATE_PER_HOUR: '100000000',
    API_KEY_RATE_BURST: '1000000',
    WEBHOOK_ENCRYPTION_KEY: BENCH_WEBHOOK_KEY,
    WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${receiver.port}`,
    WEBHOOK_MAX_PER_OWNER: '100',
    WEBHOOK_POLL_MS: '200',
    ...(process.env.BENCH_EXTRA_ENV ? JSON.parse(process.env.BENCH_EXTRA_ENV) : {}),
  };
  const pair = await startProductionPair(env, db.url);
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    process.stderr.write('throughput… ');
    const rate = await throughput(pair.client, pg, receiverUrl, receiver);

    process.stderr.write('publishing latency… ');
    const none = await tenantWithGoal(pair.client, 'bench-no-endpoints');
    const three = await tenantWithGoal(pair.client, 'bench-three-endpoints');
    // nothing sends while the publishing is measured
    await pair.worker.stop();
    for (let i = 0; i < 3; i++)
      await createEndpoint(three.client, `${receiverUrl}/${i}`, [
        i === 0 ? EVENT_TYPE : i === 1 ? 'goal.*' : '*',
      ]);
    for (let i = 0; i < WARMUP; i++) {
      await timedAppend(pg, none.tenantId, none.goalId);
      await timedAppend(pg, three.tenantId, three.goalId);
    }
    const withNone: Array<{ tx: number; statement: number }> = [];
    const withThree: Array<{ tx: number; statement: number }> = [];
    for (let i = 0; i < SAMPLES; i++) {
      // alternate which goes first, so a drift of the machine's load touches both alike
      if (i % 2 === 0) {
        withNone.push(await timedAppend(pg, none.tenantId, none.goalId));
        withThree.push(await timedAppend(pg, three.tenantId, three.goalId));
      } else {
        withThree.push(await timedAppend(pg, three.tenantId, three.goalId));
        withNone.push(await timedAppend(pg, none.tenantId, none.goalId));
      }
    }
    // the deliveries the measured appends wrote (3 per event for the tenant with endpoints)
    const written = async (tenantId: string) =>
      Number(
        (
          await pg.query<{ n: string }>(
            'SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = $1',
            [tenantId],
          )
        ).rows[0].n,
      );
    const [writtenNone, writtenThree] = await Promise.all([
      written(none.tenantId),
      written(three.tenantId),
    ]);
    console.log('\nWebhooks (production mode: PostgreSQL + BullMQ, one worker process)\n');
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| events made (${rate.source}) | ${N} |`);
    console.log(`| deliveries received | ${rate.delivered} (${receiver.requests()} requests) |`);
    console.log(`| time to make the events | ${rate.produceMs.toFixed(0)} ms |`);
    console.log(`| first event made → last delivery received | ${rate.wallMs.toFixed(0)} ms |`);
    console.log(
      `| deliveries per second | ${((rate.delivered * 1000) / rate.wallMs).toFixed(0)} |`,
    );
    console.log(
      '\nPublishing on the goal path: one transaction appending one goal event (median of %d, alternating)\n',
      SAMPLES,
    );
    console.log(
      '| matching endpoints of the tenant | transaction median ms | p95 ms | statement median ms | p95 ms |',
    );
    console.log('|---|---|---|---|---|');
    const row = (label: string, samples: Array<{ tx: number; statement: number }>) => {
      const tx = samples.map((x) => x.tx);
      const st = samples.map((x) => x.statement);
      console.log(
        `| ${label} | ${quantile(tx, 0.5).toFixed(3)} | ${quantile(tx, 0.95).toFixed(3)} | ${quantile(st, 0.5).toFixed(3)} | ${quantile(st, 0.95).toFixed(3)} |`,
      );
      return { tx: quantile(tx, 0.5), statement: quantile(st, 0.5) };
    };
    const m0 = row('0', withNone);
    const m3 = row('3', withThree);
    const addedTx = m3.tx - m0.tx;
    const addedStatement = m3.statement - m0.statement;
    console.log(
      `\nmedian added latency: ${addedTx.toFixed(3)} ms per transaction, ${addedStatement.toFixed(3)} ms per statement`,
    );
    console.log(
      `target: median added latency < ${TARGET_ADDED_MS} ms — transaction ${addedTx < TARGET_ADDED_MS ? 'met' : 'NOT met'}, statement ${addedStatement < TARGET_ADDED_MS ? 'met' : 'NOT met'}`,
    );
    console.log(
      `deliveries written by the measured appends: ${writtenNone} (0 endpoints), ${writtenThree} (3 endpoints; ${3 * (WARMUP + SAMPLES)} expected)`,
    );
  } finally {
    await pg.end();
    await pair.stop();
    await receiver.close();
    await db.drop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
