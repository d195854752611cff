/**
 * npm run bench:realtime — WebSocket fan-out latency, from commit to client.
 *
 * Two setups: embedded (PGlite, in-process queue, offline agents, all in the API process)
 * and production (PostgreSQL + Redis; a worker runs the goals, the API fans out events it
 * receives through the Redis bridge). C
 * WebSocket clients subscribe to the whole tenant; G goals are submitted and every client
 * must receive every event of every goal. For each (client, event) pair the latency is
 * receive time − the event's `created_at` (written by the database inside the committing
 * transaction, so the figure includes the commit itself and errs on the high side). The
 * clients all live in this one process, which stands for C machines: each is a lean RFC 6455
 * client (ws-probe-client.ts) that stamps a frame when its bytes are read and decodes it after
 * the round, so the bench's own per-message work stays small next to the server's. Target:
 * p99 under 50 ms at 1000 clients. Prints a table; asserts nothing.
 */
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '../libs/testing/src';
import { WsProbeClient } from './ws-probe-client';

const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,100,1000').split(',').map(Number);
const GOALS = Number(process.env.BENCH_GOALS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'embedded,production').split(',');
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
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  serverP50: string;
  serverP99: string;
}

async function connect(baseUrl: string): Promise<WsProbeClient> {
  const client = await WsProbeClient.open(baseUrl, { 'x-api-key': TEST_ADMIN_API_KEY });
  const answer = await client.request('subscribe', { scope: 'tenant' }, 'sub');
  if (answer.event !== 'ack') throw new Error(`subscribe refused: ${JSON.stringify(answer.data)}`);
  return client;
}

/** Receive time − the event's created_at, for every goal event a client received. */
function latencies(client: WsProbeClient): number[] {
  const out: number[] = [];
  for (const { at, payload } of client.frames) {
    const message = JSON.parse(payload.toString('utf8')) as {
      id?: unknown;
      data: { created_at?: string };
    };
    if (typeof message.id === 'number' && message.data.created_at)
      out.push(at - Date.parse(message.data.created_at));
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Cumulative bucket counts of the API's ws_event_delivery_lag histogram (seconds). */
async function serverLag(app: AppProcess): Promise<Map<number, number>> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
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

async function round(mode: string, app: AppProcess, api: ApiClient, count: number): Promise<Row> {
  const clients: WsProbeClient[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Math.min(100, count - i);
    clients.push(...(await Promise.all(Array.from({ length: batch }, () => connect(app.baseUrl)))));
  }
  // Warm-up goal, not measured.
  const warm = (await api.post('/api/v1/goals', { goal: 'Say hello' })).body.goal_id as string;
  await waitFor(() => clients.every((c) => c.completed >= 1), {
    timeoutMs: 120000,
    what: `warm-up ${warm}`,
  });
  for (const c of clients) {
    c.frames.length = 0;
    c.completed = 0;
  }
  let events = 0;
  const lagBefore = await serverLag(app);
  for (let g = 0; g < GOALS; g++) {
    const id = (
      await api.post('/api/v1/goals', { goal: `Research cats ${g}. Research dogs ${g}.` })
    ).body.goal_id as string;
    await waitFor(() => clients.every((c) => c.completed >= g + 1), {
      timeoutMs: 120000,
      what: `goal ${id} on every client`,
    });
    events += (await api.get(`/api/v1/goals/${id}/events?limit=1000`)).body.items.length;
  }
  const all = clients.flatMap(latencies).sort((a, b) => a - b);
  const lagAfter = await serverLag(app);
  await Promise.all(clients.map((c) => c.close()));
  return {
    mode,
    clients: count,
    events,
    samples: all.length,
    p50: percentile(all, 50),
    p90: percentile(all, 90),
    p99: percentile(all, 99),
    max: all[all.length - 1],
    serverP50: bucketQuantile(lagBefore, lagAfter, 50),
    serverP99: bucketQuantile(lagBefore, lagAfter, 99),
  };
}

async function embedded(rows: Row[]): Promise<void> {
  const app = await startApp({ env: { ...COMMON_ENV }, nodeArgs: NODE_ARGS });
  try {
    const api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    for (const count of CLIENTS) rows.push(await round('embedded', app, api, count));
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
    for (const count of CLIENTS) rows.push(await round('production', app, api, count));
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.drop();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (MODES.includes('embedded')) await embedded(rows);
  if (MODES.includes('production')) await production(rows);
  console.log(
    `\nWebSocket fan-out latency, event written → client received (${GOALS} goals per row)\n`,
  );
  console.log(
    'mode       | clients | events | deliveries | p50 ms | p90 ms | p99 ms | max ms | p99 ≤ 50 ms | server p50 | server p99',
  );
  console.log(
    '---------- | ------: | -----: | ---------: | -----: | -----: | -----: | -----: | :---------- | ---------: | ---------:',
  );
  for (const r of rows)
    console.log(
      `${r.mode.padEnd(10)} | ${String(r.clients).padStart(7)} | ${String(r.events).padStart(6)} | ${String(r.samples).padStart(10)} | ${String(r.p50).padStart(6)} | ${String(r.p90).padStart(6)} | ${String(r.p99).padStart(6)} | ${String(r.max).padStart(6)} | ${(r.p99 <= 50 ? 'yes' : 'no').padEnd(11)} | ${r.serverP50.padStart(10)} | ${r.serverP99.padStart(10)}`,
    );
  const exact = rows.every((r) => r.samples === r.events * r.clients);
  console.log(`\nevery client received every event exactly once: ${exact ? 'yes' : 'NO'}`);
  console.log(
    "client columns: written → bytes read by the bench's client (decoded after the round); server columns: written → handed to the socket, from the API's ws_event_delivery_lag histogram (bucket bounds).",
  );
  console.log(
    "embedded: PGlite runs on the API's event loop, so fan-out waits for its queries; production: the API only fans out.",
  );
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
