/**
 * npm run bench:faults — how long each kind of fault costs a goal.
 *
 * Production mode on default settings (an API process, one worker, PostgreSQL and Redis of
 * the bench's own so it may crash them, an OpenAI-compatible scripted model answering in
 * L ms). For each fault, G goals are submitted and, once their tasks run, the fault is
 * injected and healed; the bench prints the resume time (from the fault's end to the next
 * progress event of those goals), the goals' median wall time against a run without a
 * fault, and how many goals completed. BENCH_FAULTS (worker,postgres,redis,model,api),
 * BENCH_G (4), BENCH_L (500) and BENCH_EXTRA_ENV (JSON of settings) narrow or change a run.
 * Target: goals resume within 10 s of PostgreSQL's return; every goal completes.
 */
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
import { scriptFanOut } from './fan-out-script';
import { startWorker } from './production-pair';

const FAULTS = (process.env.BENCH_FAULTS ?? 'worker,postgres,redis,model,api').split(',');
const GOALS = Number(process.env.BENCH_G ?? 4);
const LATENCY_MS = Number(process.env.BENCH_L ?? 500);
const TASKS = 10;

interface Row {
  fault: string;
  outage: string;
  resumeMs: number;
  firstEvent: string;
  wallMs: number;
  completed: number;
}

/** The product under test and the infrastructure it runs on. */
interface Rig {
  pg: OwnPostgres;
  redis: OwnRedis;
  llm: ScriptedLlmServer;
  api: AppProcess;
  worker: AppProcess;
  client: ApiClient;
  env: Record<string, string>;
}

type Fault = (rig: Rig) => Promise<{ outage: string; ids?: string[] }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FAULT_DRILLS: Record<string, Fault> = {
  async worker(rig) {
    await rig.worker.kill();
    rig.worker = await startWorker(rig.env);
    return { outage: 'kill -9, new worker started' };
  },
  async postgres(rig) {
    rig.pg.crash();
    await sleep(3000);
    await rig.pg.start();
    return { outage: 'immediate stop, 3 s down' };
  },
  async redis(rig) {
    await rig.redis.kill();
    await sleep(1000);
    await rig.redis.start();
    return { outage: 'kill -9, 1 s down, restarted empty' };
  },
  async model(rig) {
    await rig.llm.outage(30000);
    return { outage: 'model server down 30 s' };
  },
  async api(rig) {
    // goals being created when the API dies are sent again with their Idempotency-Key
    const keys = Array.from({ length: GOALS }, (_, i) => `bench-api-${Date.now()}-${i}`);
    const inFlight = keys.map((key) => submit(rig.client, 'api', key).catch(() => undefined));
    await rig.api.kill();
    await Promise.all(inFlight);
    rig.api = await startApp({ env: { ...rig.env, PROCESS_JOBS: 'false' } });
    rig.client = new ApiClient(rig.api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const ids: string[] = [];
    for (const key of keys) ids.push((await submit(rig.client, 'api', key)).body.goal_id);
    return { outage: 'kill -9 during submission, restarted', ids };
  },
};

function submit(client: ApiClient, scenario: string, key?: string) {
  return client.post(
    '/api/v1/goals',
    { goal: `BENCH-N=${TASKS} FAULT-${scenario} ${key ?? Math.random()}: fan the work out` },
    key ? { 'Idempotency-Key': key } : {},
  );
}

async function submitGoals(rig: Rig, scenario: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < GOALS; i++) ids.push((await submit(rig.client, scenario)).body.goal_id);
  await waitFor(
    () =>
      rig.llm
        .chatRequests()
        .some(
          (r) =>
            conversationText(r.body).includes('[agent-village:tool_agent]') &&
            conversationText(r.body).includes(`FAULT-${scenario}`),
        ),
    { what: `a task of ${scenario} to run`, timeoutMs: 120000 },
  );
  return ids;
}

async function finished(rig: Rig, ids: string[]) {
  return waitFor(
    async () => {
      const rows = await queryPostgres<{ status: string; wall_ms: number }>(
        rig.pg.url,
        `SELECT status, (extract(epoch FROM (completed_at - created_at)) * 1000)::int AS wall_ms
           FROM goals WHERE id = ANY($1::uuid[])`,
        [ids],
      ).catch(() => undefined);
      return rows?.length === ids.length &&
        rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status))
        ? rows
        : undefined;
    },
    { what: 'the goals to finish', timeoutMs: 600000, intervalMs: 200 },
  );
}

/**
 * From `since` until every goal has made progress again: per goal its first progress event
 * after `since`, and the latest of those (the last goal to resume).
 */
async function resumeAfter(
  rig: Rig,
  ids: string[],
  since: number,
): Promise<{ ms: number; event: string }> {
  // goals that finished during the outage had nothing left to resume
  const inFlight = (
    await queryPostgres<{ id: string }>(
      rig.pg.url,
      `SELECT id FROM goals WHERE id = ANY($1::uuid[])
         AND (completed_at IS NULL OR completed_at > to_timestamp($2::double precision / 1000))`,
      [ids, since],
    )
  ).map((g) => g.id);
  if (!inFlight.length) return { ms: 0, event: 'none left in flight' };
  const rows = await queryPostgres<{ at: Date; type: string }>(
    rig.pg.url,
    `SELECT DISTINCT ON (goal_id) created_at AS at, type FROM goal_events
      WHERE goal_id = ANY($1::uuid[]) AND created_at > to_timestamp($2::double precision / 1000)
        AND type = ANY($3::text[])
      ORDER BY goal_id, created_at`,
    [inFlight, since, PROGRESS_EVENTS],
  );
  if (rows.length < inFlight.length) return { ms: NaN, event: '-' };
  const last = rows.reduce((a, b) => (a.at > b.at ? a : b));
  return { ms: last.at.getTime() - since, event: last.type };
}

/** Events that say work went on (not the bookkeeping of a recovery). */
const PROGRESS_EVENTS = [
  'task.started',
  'task.completed',
  'task.progress',
  'plan.created',
  'goal.intent',
  'goal.status',
  'goal.completed',
];

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
  const llm = new ScriptedLlmServer();
  await llm.start();
  scriptFanOut(llm, LATENCY_MS, 'BENCH-N');
  const env = {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'bench',
    LLM_MODEL: 'gpt-4o-mini',
    LOG_LEVEL: 'warn',
    MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
    ...(process.env.BENCH_EXTRA_ENV ? JSON.parse(process.env.BENCH_EXTRA_ENV) : {}),
  };
  const api = await startApp({ env: { ...env, PROCESS_JOBS: 'false' } });
  const rig: Rig = {
    pg,
    redis,
    llm,
    api,
    worker: await startWorker(env),
    client: new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY),
    env,
  };
  const rows: Row[] = [];
  try {
    const calm = await finished(rig, await submitGoals(rig, 'none'));
    const calmWall = median(calm.map((g) => g.wall_ms));
    rows.push({
      fault: 'none',
      outage: '-',
      resumeMs: NaN,
      firstEvent: '-',
      wallMs: calmWall,
      completed: 0,
    });
    rows[0].completed = calm.filter((g) => g.status === 'completed').length;
    for (const name of FAULTS) {
      process.stderr.write(`${name}… `);
      const ids = name === 'api' ? [] : await submitGoals(rig, name);
      const drill = await FAULT_DRILLS[name](rig);
      const healedAt = Date.now();
      const all = [...ids, ...(drill.ids ?? [])];
      const goals = await finished(rig, all);
      const resumed = await resumeAfter(rig, all, healedAt);
      rows.push({
        fault: name,
        outage: drill.outage,
        resumeMs: resumed.ms,
        firstEvent: resumed.event,
        wallMs: median(goals.map((g) => g.wall_ms)),
        completed: goals.filter((g) => g.status === 'completed').length,
      });
    }
  } finally {
    await Promise.all([rig.api.kill(), rig.worker.kill()]);
    await llm.stop();
    await redis.kill();
    pg.destroy();
  }
  console.log(
    `\nFault drills: production mode, default settings, ${GOALS} goals of ${TASKS} tasks per drill, model calls ${LATENCY_MS} ms\n`,
  );
  console.log(
    '| fault | outage | every goal resumed, ms after the fault ends | the last goal resumed with | median goal wall, ms | completed |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.fault} | ${r.outage} | ${Number.isNaN(r.resumeMs) ? '-' : r.resumeMs} | ${r.firstEvent} | ${r.wallMs} | ${r.completed}/${GOALS} |`,
    );
  console.log('\nTarget: goals resume within 10 s of PostgreSQL’s return; every goal completes.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
