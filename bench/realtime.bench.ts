/**
 * npm run bench:realtime — WebSocket fan-out latency, from commit to client.
 *
 * Two product setups: embedded (PGlite, in-process queue, offline agents, all in the API process)
 * and production (PostgreSQL + Redis; a worker runs the goals, the API fans out events it
 * receives through the Redis bridge). C
 * WebSocket clients subscribe to the whole tenant; G goals are submitted and every client
 * must receive every event of every goal. For each (client, event) pair the latency is
 * receive time − the event's `created_at` (written by the database inside the committing
 * transaction, so the figure includes the commit itself and errs on the high side). The
 * clients all live in this one process, which stands for C machines: each is a lean RFC 6455
 * client (ws-probe-client.ts) that stamps a frame when its bytes are read and keeps only its
 * latency and id, so the bench's own work and memory stay small next to the server's. Target:
 * p99 under 50 ms at 1000 clients. A third row set, `baseline`, runs the same clients against
 * a bare fan-out server (fanout-baseline-server.ts: no database, no bus, frames of the same
 * size in the bursts of an offline goal), which shows what the machine itself allows.
 * Prints a table; asserts nothing.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_METRICS_AUTH,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { EventTimes, WsProbeClient } from './ws-probe-client';

const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,100,1000').split(',').map(Number);
const GOALS = Number(process.env.BENCH_GOALS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'embedded,production,baseline').split(',');
/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every product process there. */
const NODE_ARGS = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

/** 1000 sockets authenticate with the admin key: lift its request limits for the bench. */
const COMMON_ENV = {
  LOG_LEVEL: 'warn',
  WS_HEARTBEAT_MS: '0',
  API_KEY_RATE_PER_MINUTE: '10000000',
  API_KEY_RATE_PER_HOUR: '100000000',
  API_KEY_RATE_BURST: '1000000',
};

interface Row {
  mode: string;
  clients: number;
  events: number;
  /** Some client received an event twice. */
  duplicated: boolean;
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  serverP50: string;
  serverP99: string;
}

async function connect(baseUrl: string, createdAtById: EventTimes): Promise<WsProbeClient> {
  const client = await WsProbeClient.open(
    baseUrl,
    { 'x-api-key': TEST_ADMIN_API_KEY },
    createdAtById,
  );
  const answer = await client.request('subscribe', { scope: 'tenant' }, 'sub');
  if (answer.event !== 'ack') throw new Error(`subscribe refused: ${JSON.stringify(answer.data)}`);
  return client;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Cumulative bucket counts of the API's ws_event_delivery_lag histogram (seconds). */
async function serverLag(app: AppProcess): Promise<Map<number, number>> {
  const text = await (await fetch(`${app.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })).text();
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^ws_event_delivery_lag_bucket\{le="([^"]+)"\} (\d+)/gm))
    buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** The histogram bucket bound (ms) under which p% of the sends of a round fell. */
function bucketQuantile(
  before: Map<number, number>,
  after: Map<number, number>,
  p: number,
): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const le of bounds) {
    const n = (after.get(le) ?? 0) - (before.get(le) ?? 0);
    if (n >= (p / 100) * total) return le === Infinity ? '>5000' : `≤${Math.round(le * 1000)}`;
  }
  return '?';
}

/** What a round measures: the product, or the bare fan-out baseline. */
interface Target {
  mode: string;
  baseUrl: string;
  /**
   * Runs one goal (or its stand-in) and resolves with the number of its events once every
   * client has seen it end (`ended` goals so far, this one included).
   */
  goal(label: string, clients: WsProbeClient[], ended: number): Promise<number>;
  /** The server's delivery-lag histogram, where there is one. */
  lag?(): Promise<Map<number, number>>;
}

function everyClientEnded(clients: WsProbeClient[], ended: number, what: string): Promise<true> {
  return waitFor(() => clients.every((c) => c.completed >= ended), { timeoutMs: 120000, what });
}

function productTarget(mode: string, app: AppProcess, api: ApiClient): Target {
  return {
    mode,
    baseUrl: app.baseUrl,
    async goal(label, clients, ended) {
      const id = (
        await api.post('/api/v1/goals', { goal: `Research cats ${label}. Research dogs ${label}.` })
      ).body.goal_id as string;
      await everyClientEnded(clients, ended, `goal ${id} on every client`);
      return (await api.get(`/api/v1/goals/${id}/events?limit=1000`)).body.items.length;
    },
    lag: () => serverLag(app),
  };
}

async function round(target: Target, count: number): Promise<Row> {
  const clients: WsProbeClient[] = [];
  const createdAtById: EventTimes = new Map();
  for (let i = 0; i < count; i += 100) {
    const batch = Math.min(100, count - i);
    clients.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => connect(target.baseUrl, createdAtById)),
      )),
    );
  }
  await target.goal('warm-up', clients, 1); // not measured
  for (const c of clients) {
    c.latencies.length = 0;
    c.ids.length = 0;
    c.completed = 0;
  }
  let events = 0;
  const lagBefore = await target.lag?.();
  for (let g = 0; g < GOALS; g++) events += await target.goal(String(g), clients, g + 1);
  const all = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
  const duplicated = clients.some((c) => new Set(c.ids).size !== c.ids.length);
  const lagAfter = await target.lag?.();
  await Promise.all(clients.map((c) => c.close()));
  return {
    mode: target.mode,
    clients: count,
    events,
    samples: all.length,
    duplicated,
    p50: percentile(all, 50),
    p90: percentile(all, 90),
    p99: percentile(all, 99),
    max: all[all.length - 1],
    serverP50: lagBefore && lagAfter ? bucketQuantile(lagBefore, lagAfter, 50) : '-',
    serverP99: lagBefore && lagAfter ? bucketQuantile(lagBefore, lagAfter, 99) : '-',
  };
}

/**
 * A goal's events as the offline product commits them: 28 events in bursts (one commit
 * each), a commit every 15 ms, the last one goal.completed.
 */
const BASELINE_BURSTS = [1, 1, 2, 7, 2, 4, 2, 2, 2, 4, 1];
const BASELINE_SPACING_MS = 15;

/** The same clients and rounds against a bare fan-out server (fanout-baseline-server.ts). */
async function baseline(rows: Row[]): Promise<void> {
  const server = fork(join(__dirname, 'fanout-baseline-server.js'), [], { stdio: 'inherit' });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      server.once('message', (m) => resolve(m as { port: number }));
      server.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
    });
    const target: Target = {
      mode: 'baseline',
      baseUrl: `http://127.0.0.1:${port}`,
      async goal(label, clients, ended) {
        for (const [i, events] of BASELINE_BURSTS.entries()) {
          const last = i === BASELINE_BURSTS.length - 1;
          server.send({ burst: events, type: last ? 'goal.completed' : 'baseline.event' });
          await new Promise((resolve) => setTimeout(resolve, BASELINE_SPACING_MS));
        }
        await everyClientEnded(clients, ended, `baseline goal ${label} on every client`);
        return BASELINE_BURSTS.reduce((sum, n) => sum + n, 0);
      },
    };
    for (const count of CLIENTS) rows.push(await round(target, count));
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      if (server.connected) server.send({ stop: true });
      else server.kill();
      await exited;
    }
  }
}

async function embedded(rows: Row[]): Promise<void> {
  const app = await startApp({ env: { ...COMMON_ENV }, nodeArgs: NODE_ARGS });
  try {
    const api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    for (const count of CLIENTS) rows.push(await round(productTarget('embedded', app, api), count));
  } finally {
    await app.stop();
  }
}

/** PostgreSQL + Redis: goals run in a worker; events reach the API through the Redis bridge. */
async function production(rows: Row[]): Promise<void> {
  const db = await createPostgresDatabase();
  const env = {
    ...COMMON_ENV,
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
  };
  const processes: AppProcess[] = [];
  try {
    const app = await startApp({ env: { ...env, PROCESS_JOBS: 'false' }, nodeArgs: NODE_ARGS });
    processes.push(app);
    processes.push(
      await startApp({
        env: { ...env, LOG_LEVEL: 'info' },
        entry: 'worker',
        readyLog: 'worker started',
        nodeArgs: NODE_ARGS,
      }),
    );
    const api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    for (const count of CLIENTS)
      rows.push(await round(productTarget('production', app, api), count));
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.drop();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (MODES.includes('embedded')) await embedded(rows);
  if (MODES.includes('production')) await production(rows);
  if (MODES.includes('baseline')) await baseline(rows);
  console.log(
    `\nWebSocket fan-out latency, event written → client received (${GOALS} goals per row)\n`,
  );
  console.log(
    'mode       | clients | events | deliveries | p50 ms | p90 ms | p99 ms | max ms | p99 < 50 ms | server p50 | server p99',
  );
  console.log(
    '---------- | ------: | -----: | ---------: | -----: | -----: | -----: | -----: | :---------- | ---------: | ---------:',
  );
  for (const r of rows)
    console.log(
      `${r.mode.padEnd(10)} | ${String(r.clients).padStart(7)} | ${String(r.events).padStart(6)} | ${String(r.samples).padStart(10)} | ${String(r.p50).padStart(6)} | ${String(r.p90).padStart(6)} | ${String(r.p99).padStart(6)} | ${String(r.max).padStart(6)} | ${(r.p99 < 50 ? 'yes' : 'no').padEnd(11)} | ${r.serverP50.padStart(10)} | ${r.serverP99.padStart(10)}`,
    );
  const exact = rows.every((r) => !r.duplicated && r.samples === r.events * r.clients);
  console.log(`\nevery client received every event exactly once: ${exact ? 'yes' : 'NO'}`);
  console.log(
    "client columns: written → bytes read by the bench's client; server columns: written → handed to every client's socket, per frame, from the API's ws_event_delivery_lag histogram (bucket bounds).",
  );
  console.log(
    "embedded: PGlite runs on the API's event loop, so fan-out waits for its queries; production: the API only fans out.",
  );
  console.log(
    'baseline: no product, a bare server writing the same-sized frames in the bursts of an offline goal to the same clients: what this machine allows.',
  );
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
