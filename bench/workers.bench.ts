/**
 * npm run bench:workers — how goal throughput grows with worker processes, and how soon the
 * goals of a worker that dies go on elsewhere.
 *
 * Production mode (an API process with PROCESS_JOBS=false, K `npm run worker` processes, a
 * fresh PostgreSQL database and a queue prefix of their own per K) against the scripted
 * model server, every model call taking L ms.
 *
 * Throughput: for each K, BENCH_TASKS tasks in goals of N independent tasks each are
 * submitted at once; each worker runs BENCH_JOB_CONCURRENCY goals at a time and each goal
 * BENCH_TASK_CONCURRENCY tasks at a time, so one worker's capacity, not the model, sets the
 * pace. With the defaults (20 goals, one goal per worker at a time) every K divides the
 * goals evenly: 4 workers run 5 goals each one after the other. With 2 goals per worker, 4
 * workers would have 8 slots for 20 goals, 3 rounds where 2.5 would do, and could reach
 * 3.33× at best. Before measuring, BENCH_WARM_UP rounds (1) of one goal per job slot run
 * unmeasured, so no worker meets its code paths and connections for the first time in the
 * measured run. Throughput is the tasks completed over the time from the first submission
 * to the last goal's completion; the bench prints it per K with its ratio to one worker,
 * the failed goals, the time taken, the CPU the API and the workers used (cores on
 * average) and how busy the machine's cores were meanwhile (PostgreSQL, Redis, the model
 * server and anything else running included).
 *
 * Recovery: with 2 workers, BENCH_RECOVERY_GOALS goals of N tasks, one task at a time (each
 * worker may run all of them, so nothing waits for a free slot); once a worker drives goals
 * whose tasks are running it is killed (kill -9) and the bench prints the time from the kill
 * to the registry showing it OFFLINE, to the survivor leasing one of its goals and to the
 * first task of those goals completing on the survivor, and whether every goal completed.
 * What governs it is set small here: LEASE_TTL_MS 3000, SWEEPER_INTERVAL_MS 500,
 * QUEUE_STALLED_INTERVAL_MS 3000, WORKER_HEARTBEAT_MS 500, WORKER_OFFLINE_AFTER_MS 2000
 * (defaults 10000, 5000, 10000, 5000, 15000).
 *
 * Knobs: BENCH_WORKERS (1,2,4), BENCH_TASKS (200), BENCH_N (10), BENCH_L (200),
 * BENCH_JOB_CONCURRENCY (1), BENCH_TASK_CONCURRENCY (2), BENCH_WARM_UP (1),
 * BENCH_RECOVERY_GOALS (4), BENCH_PARTS (throughput,recovery) and BENCH_EXTRA_ENV (JSON of settings, for every
 * process). Targets: 2 workers ≥ 1.8× and 4 workers ≥ 3.2× the tasks per second of one;
 * every goal completes.
 */
import { availableParallelism } from 'node:os';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  ScriptedLlmServer,
  waitFor,
} from '#testing';
import { scriptFanOut, uniqueWord } from './fan-out-script';
import { cpuMs, machineCpuTicks } from './process-stats';
import { startProduction } from './production-pair';

const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const TOTAL_TASKS = Number(process.env.BENCH_TASKS ?? 200);
const TASKS = Number(process.env.BENCH_N ?? 10);
const LATENCY_MS = Number(process.env.BENCH_L ?? 200);
const JOB_CONCURRENCY = Number(process.env.BENCH_JOB_CONCURRENCY ?? 1);
const TASK_CONCURRENCY = Number(process.env.BENCH_TASK_CONCURRENCY ?? 2);
const RECOVERY_GOALS = Number(process.env.BENCH_RECOVERY_GOALS ?? 4);
const WARM_UP_ROUNDS = Number(process.env.BENCH_WARM_UP ?? 1);
const PARTS = (process.env.BENCH_PARTS ?? 'throughput,recovery').split(',');
const GOALS = Math.ceil(TOTAL_TASKS / TASKS);
const MARKER = 'WORKERS-N';
/** Ratio to one worker that K workers should reach. */
const TARGETS: Record<number, number> = { 2: 1.8, 4: 3.2 };
/** What decides how soon a dead worker's goals go on, small for the recovery run. */
const RECOVERY_SETTINGS = {
  LEASE_TTL_MS: '3000',
  SWEEPER_INTERVAL_MS: '500',
  QUEUE_STALLED_INTERVAL_MS: '3000',
  WORKER_HEARTBEAT_MS: '500',
  WORKER_OFFLINE_AFTER_MS: '2000',
};
const ENDED = ['completed', 'failed', 'cancelled'];

interface ThroughputRow {
  workers: number;
  tasksPerS: number;
  failed: number;
  elapsedS: number;
  /** CPU the API and the workers used, in cores on average over the measured time. */
  productCores: number;
  /** How busy the machine's cores were over the measured time, 0..1. */
  machineBusy: number;
}

interface Recovery {
  settings: Record<string, string>;
  drivenGoals: number;
  offlineMs: number;
  takenOverMs: number;
  resumedMs: number;
  completed: number;
}

/** A process as the worker registry (GET /api/v1/workers) lists it. */
interface RegisteredWorker {
  id: string;
  pid: number;
  status: string;
}

async function registry(client: ApiClient): Promise<RegisteredWorker[]> {
  const res = await client.get('/api/v1/workers');
  if (res.status !== 200) throw new Error(`GET /api/v1/workers answered ${res.status}`);
  return res.body.items;
}

/** Waits until every worker process is in the registry; its entries, in the same order. */
function registered(client: ApiClient, workers: AppProcess[]): Promise<RegisteredWorker[]> {
  return waitFor(
    async () => {
      const items = await registry(client);
      const entries = workers.map((w) => items.find((i) => i.pid === w.process.pid));
      return entries.every((e) => e && e.status !== 'OFFLINE')
        ? (entries as RegisteredWorker[])
        : undefined;
    },
    { what: `${workers.length} workers in the registry`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Submits `count` fan-out goals at once; the ids of those accepted. */
async function submitGoals(client: ApiClient, count: number, batch: number): Promise<string[]> {
  const submitted = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.post('/api/v1/goals', {
        goal: `${MARKER}=${TASKS} fan out the work, batch ${uniqueWord(batch * 1000 + i)}`,
      }),
    ),
  );
  return submitted.filter((res) => res.status === 202).map((res) => res.body.goal_id as string);
}

/** Waits until every goal has ended; their statuses and completion times (epoch ms). */
function ended(databaseUrl: string, ids: string[]) {
  return waitFor(
    async () => {
      const rows = await queryPostgres<{ status: string; completed_ms: number | null }>(
        databaseUrl,
        `SELECT status, (extract(epoch FROM completed_at) * 1000)::float8 AS completed_ms
           FROM goals WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.length === ids.length && rows.every((r) => ENDED.includes(r.status))
        ? rows
        : undefined;
    },
    { what: `${ids.length} goals to end`, timeoutMs: 30 * 60_000, intervalMs: 250 },
  );
}

async function completedTasks(databaseUrl: string, ids: string[]): Promise<number> {
  const [row] = await queryPostgres<{ total: string }>(
    databaseUrl,
    `SELECT count(*) AS total FROM tasks WHERE goal_id = ANY($1::uuid[]) AND status = 'completed'`,
    [ids],
  );
  return Number(row.total);
}

async function throughput(env: Record<string, string>, workers: number): Promise<ThroughputRow> {
  const db = await createPostgresDatabase();
  const production = await startProduction(
    {
      ...env,
      JOB_CONCURRENCY: String(JOB_CONCURRENCY),
      TASK_CONCURRENCY: String(TASK_CONCURRENCY),
    },
    db.url,
    workers,
  );
  const processes = [production.api, ...production.workers];
  const productCpuMs = () => processes.reduce((sum, p) => sum + cpuMs(p.process.pid!), 0);
  try {
    await registered(production.client, production.workers);
    // fills every job slot of every worker: each process has run the code paths once
    for (let round = 0; round < WARM_UP_ROUNDS; round++)
      await ended(
        db.url,
        await submitGoals(production.client, workers * JOB_CONCURRENCY, 500 + round),
      );
    const cpuBefore = productCpuMs();
    const machineBefore = machineCpuTicks();
    const started = Date.now();
    const ids = await submitGoals(production.client, GOALS, workers);
    process.stderr.write(`${workers} worker(s): ${ids.length}/${GOALS} goals accepted\n`);
    const goals = await ended(db.url, ids);
    const last = Math.max(...goals.map((g) => g.completed_ms ?? 0));
    const elapsedS = (last - started) / 1000;
    // read when the bench saw the last goal end, a poll after it did
    const cpuS = (productCpuMs() - cpuBefore) / 1000;
    const machineAfter = machineCpuTicks();
    const measuredS = (Date.now() - started) / 1000;
    return {
      workers,
      tasksPerS: (await completedTasks(db.url, ids)) / elapsedS,
      failed: GOALS - goals.filter((g) => g.status === 'completed').length,
      elapsedS,
      productCores: cpuS / measuredS,
      machineBusy:
        (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
  } finally {
    await production.stop();
    await db.drop();
  }
}

async function recovery(baseEnv: Record<string, string>): Promise<Recovery> {
  const env: Record<string, string> = {
    ...RECOVERY_SETTINGS,
    ...baseEnv,
    // every goal fits on one worker: the survivor takes the dead one's goals at once
    JOB_CONCURRENCY: String(RECOVERY_GOALS),
    TASK_CONCURRENCY: '1',
  };
  const db = await createPostgresDatabase();
  const production = await startProduction(env, db.url, 2);
  try {
    const entries = await registered(production.client, production.workers);
    const ids = await submitGoals(production.client, RECOVERY_GOALS, 99);
    // a worker driving goals that have tasks done and tasks to do
    const victim = await waitFor(
      async () => {
        const [row] = await queryPostgres<{ lease_owner: string }>(
          db.url,
          `SELECT lease_owner FROM goals g
            WHERE id = ANY($1::uuid[]) AND lease_owner IS NOT NULL AND status <> ALL($2::text[])
              AND EXISTS (SELECT 1 FROM tasks t WHERE t.goal_id = g.id AND t.status = 'completed')
              AND EXISTS (SELECT 1 FROM tasks t WHERE t.goal_id = g.id AND t.status <> 'completed')
            GROUP BY lease_owner ORDER BY count(*) DESC LIMIT 1`,
          [ids, ENDED],
        );
        return row?.lease_owner;
      },
      { what: 'a worker busy with tasks', timeoutMs: 120_000, intervalMs: 20 },
    );
    const index = entries.findIndex((e) => e.id === victim);
    if (index < 0) throw new Error(`the lease owner ${victim} is not a worker of this run`);
    const survivor = entries[1 - index].id;
    const driven = (
      await queryPostgres<{ id: string }>(
        db.url,
        `SELECT id FROM goals WHERE id = ANY($1::uuid[]) AND lease_owner = $2
            AND status <> ALL($3::text[])`,
        [ids, victim, ENDED],
      )
    ).map((g) => g.id);
    const killedAt = Date.now();
    await production.workers[index].kill();
    process.stderr.write(`recovery: killed the worker driving ${driven.length} goal(s)\n`);

    const offline = waitFor(
      async () =>
        (await registry(production.client)).find((w) => w.id === victim)?.status === 'OFFLINE' &&
        Date.now(),
      { what: 'the killed worker to show OFFLINE', timeoutMs: 120_000, intervalMs: 20 },
    );
    const takenOver = waitFor(
      async () =>
        (
          await queryPostgres(
            db.url,
            `SELECT 1 FROM goals WHERE id = ANY($1::uuid[]) AND lease_owner = $2`,
            [driven, survivor],
          )
        ).length > 0 && Date.now(),
      { what: 'the survivor to lease a goal of the killed worker', timeoutMs: 120_000 },
    );
    const resumed = waitFor(
      async () => {
        const [row] = await queryPostgres<{ at: number | null }>(
          db.url,
          `SELECT (extract(epoch FROM min(completed_at)) * 1000)::float8 AS at FROM tasks
            WHERE goal_id = ANY($1::uuid[]) AND status = 'completed'
              AND completed_at > to_timestamp($2::float8 / 1000)`,
          [driven, killedAt],
        );
        return row.at ?? undefined;
      },
      { what: 'a task of its goals to complete', timeoutMs: 120_000, intervalMs: 100 },
    );
    const [offlineAt, takenOverAt, resumedAt] = await Promise.all([offline, takenOver, resumed]);
    const goals = await ended(db.url, ids);
    return {
      settings: Object.fromEntries(Object.keys(RECOVERY_SETTINGS).map((k) => [k, env[k]])),
      drivenGoals: driven.length,
      offlineMs: offlineAt - killedAt,
      takenOverMs: takenOverAt - killedAt,
      resumedMs: Math.round(resumedAt - killedAt),
      completed: goals.filter((g) => g.status === 'completed').length,
    };
  } finally {
    await production.stop();
    await db.drop();
  }
}

function printThroughput(rows: ThroughputRow[]): void {
  const one = rows.find((r) => r.workers === 1);
  console.log(
    `\nThroughput: ${GOALS} goals of ${TASKS} independent tasks submitted at once, every model call ${LATENCY_MS} ms; per worker JOB_CONCURRENCY=${JOB_CONCURRENCY}, TASK_CONCURRENCY=${TASK_CONCURRENCY}\n`,
  );
  console.log(
    '| workers | tasks/s | ratio to 1 worker | target | failed goals | elapsed s | product CPU, cores | machine CPU busy |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = one ? r.tasksPerS / one.tasksPerS : NaN;
    const target = TARGETS[r.workers];
    const verdict =
      target === undefined || Number.isNaN(ratio)
        ? '-'
        : `≥ ${target}× ${ratio >= target ? 'met' : 'NOT met'}`;
    console.log(
      `| ${r.workers} | ${r.tasksPerS.toFixed(2)} | ${Number.isNaN(ratio) ? '-' : `${ratio.toFixed(2)}×`} | ${verdict} | ${r.failed} | ${r.elapsedS.toFixed(1)} | ${r.productCores.toFixed(2)} | ${(r.machineBusy * 100).toFixed(0)}% of ${availableParallelism()} cores |`,
    );
  }
}

function printRecovery(r: Recovery): void {
  const s = r.settings;
  console.log(
    `\nRecovery: 2 workers, ${RECOVERY_GOALS} goals of ${TASKS} tasks run one at a time, model calls ${LATENCY_MS} ms; kill -9 of the worker driving ${r.drivenGoals} of them\n`,
  );
  console.log('| from the kill to | ms |');
  console.log('|---|---|');
  console.log(`| the registry showing it OFFLINE | ${r.offlineMs} |`);
  console.log(`| the survivor leasing one of its goals | ${r.takenOverMs} |`);
  console.log(`| the first task of its goals completed on the survivor | ${r.resumedMs} |`);
  console.log(`\nGoals completed: ${r.completed}/${RECOVERY_GOALS}`);
  console.log(
    `Settings: ${Object.entries(s)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')} (the bench's; defaults 10000, 5000, 10000, 5000, 15000).`,
  );
  console.log(
    `A lease lapses at most LEASE_TTL_MS after the kill (renewed every third of it), the next sweep (every SWEEPER_INTERVAL_MS) queues the goal again, and the task the kill cut off runs again (${LATENCY_MS} ms): about ${Number(s.LEASE_TTL_MS) + Number(s.SWEEPER_INTERVAL_MS) + LATENCY_MS} ms at most, plus the resumption's own work. The registry shows OFFLINE WORKER_OFFLINE_AFTER_MS after the last heartbeat; that plays no part in the recovery.`,
  );
}

async function main(): Promise<void> {
  const llm = new ScriptedLlmServer();
  await llm.start();
  llm.strict = true;
  scriptFanOut(llm, LATENCY_MS, MARKER);
  const env: Record<string, string> = {
    // the bench submits and polls from one key: lift its request limits, nothing else
    API_KEY_RATE_PER_MINUTE: '10000000',
    API_KEY_RATE_PER_HOUR: '100000000',
    API_KEY_RATE_BURST: '1000000',
    LOG_LEVEL: 'warn',
    MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'bench',
    LLM_MODEL: 'gpt-4o-mini',
    ...(process.env.BENCH_EXTRA_ENV ? JSON.parse(process.env.BENCH_EXTRA_ENV) : {}),
  };
  const rows: ThroughputRow[] = [];
  let recovered: Recovery | undefined;
  try {
    if (PARTS.includes('throughput'))
      for (const workers of WORKER_COUNTS) rows.push(await throughput(env, workers));
    if (PARTS.includes('recovery')) recovered = await recovery(env);
  } finally {
    await llm.stop();
  }
  if (rows.length) printThroughput(rows);
  if (recovered) printRecovery(recovered);
  console.log('\nTargets: 2 workers ≥ 1.8× and 4 workers ≥ 3.2× one worker; every goal completes.');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
