/**
 * npm run bench:load — many goals at once.
 *
 * C goals are submitted at the same moment; each is planned (by the scripted model
 * server) into N independent tasks and every model call takes L ms, so a goal's critical
 * path is 4·L (intent, plan, one task, critic). For each C the bench prints, over the C
 * goals, wall / critical path at p50 and p95 (wall = the goal's completed_at − created_at,
 * queueing included), the failed goals, the product's CPU ms per task and its peak RSS,
 * for the embedded mode and for PostgreSQL + BullMQ with one worker process, both on
 * their default settings. BENCH_C (50,200,500), BENCH_N (10), BENCH_L (1000),
 * BENCH_MODES (embedded,production), BENCH_WORKERS (1; e.g. 1,2,4 runs production once per
 * count of worker processes) and BENCH_EXTRA_ENV (JSON of settings) narrow or change a run;
 * BENCH_PHASES=1 adds when the model server received each kind of call. Targets: at C=200,
 * p95 ≤ 1.15 (production) and ≤ 1.25 (embedded); at C=500, no failed goal in either mode.
 */
import {
  ApiClient,
  AppProcess,
  conversationText,
  createPostgresDatabase,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';
import { scriptFanOut, uniqueWord } from './fan-out-script';
import { cpuMs, peakRssMb } from './process-stats';
import { startProduction } from './production-pair';

const CONCURRENCIES = (process.env.BENCH_C ?? '50,200,500').split(',').map(Number);
const TASKS = Number(process.env.BENCH_N ?? 10);
const LATENCY_MS = Number(process.env.BENCH_L ?? 1000);
const MODES = (process.env.BENCH_MODES ?? 'embedded,production').split(',');
const WORKERS = (process.env.BENCH_WORKERS ?? '1').split(',').map(Number);
const CRITICAL_PATH_MS = 4 * LATENCY_MS;

interface Row {
  mode: string;
  c: number;
  p50: number;
  p95: number;
  failed: number;
  cpuMsPerTask: number;
  peakRssMb: number;
  elapsedS: number;
}

interface GoalSummary {
  status: string;
  timings: { created_at: string; completed_at: string | null };
}

const phases: string[] = [];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function countByStatus(api: ApiClient, status: string): Promise<number> {
  const { body } = await api.get(`/api/v1/goals?status=${status}&limit=1`);
  return Number(body.total ?? 0);
}

async function finishedGoals(api: ApiClient): Promise<GoalSummary[]> {
  const goals: GoalSummary[] = [];
  for (let offset = 0; ; offset += 100) {
    const { body } = await api.get(`/api/v1/goals?limit=100&offset=${offset}`);
    goals.push(...(body.items as GoalSummary[]));
    if (body.items.length < 100) return goals;
  }
}

const ROLES = ['intent_analyzer', 'planner', 'tool_agent', 'critic'] as const;

/**
 * When the model server received each kind of call, relative to the submission: where a
 * goal's time beyond the critical path goes (BENCH_PHASES=1 prints it).
 */
function phaseTable(
  llm: ScriptedLlmServer,
  started: number,
  label: string,
  answeredAt: number[],
): string {
  const answered = answeredAt.map((at) => (at - started) / 1000);
  const accepted = `| ${label} | submission answered | ${answered.length} | ${Math.min(...answered).toFixed(2)} | ${percentile(answered, 50).toFixed(2)} | ${percentile(answered, 95).toFixed(2)} | ${Math.max(...answered).toFixed(2)} |`;
  const rows = ROLES.map((role) => {
    const at = llm
      .chatRequests()
      .filter(
        (r) =>
          r.receivedAt >= started && conversationText(r.body).includes(`[agent-village:${role}]`),
      )
      .map((r) => (r.receivedAt - started) / 1000);
    if (!at.length) return `| ${label} | ${role} | 0 | | | |`;
    return `| ${label} | ${role} | ${at.length} | ${Math.min(...at).toFixed(2)} | ${percentile(at, 50).toFixed(2)} | ${percentile(at, 95).toFixed(2)} | ${Math.max(...at).toFixed(2)} |`;
  });
  return [accepted, ...rows].join('\n');
}

async function runLoad(
  mode: string,
  processes: AppProcess[],
  api: ApiClient,
  c: number,
  llm: ScriptedLlmServer,
) {
  const cpuBefore = processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0);
  const started = Date.now();
  const answeredAt: number[] = [];
  const submitted = await Promise.all(
    Array.from({ length: c }, (_, i) =>
      api
        .post('/api/v1/goals', {
          goal: `LOAD-N=${TASKS} fan out the work, batch ${uniqueWord(c * 1000 + i)}`,
        })
        .finally(() => answeredAt.push(Date.now())),
    ),
  );
  const refused = submitted.filter((res) => res.status !== 202).length;
  process.stderr.write(`${mode} C=${c}: ${c - refused} goals accepted\n`);
  await waitFor(
    async () => {
      const done = (await countByStatus(api, 'completed')) + (await countByStatus(api, 'failed'));
      return done >= c - refused ? true : undefined;
    },
    { timeoutMs: 30 * 60_000, intervalMs: 1000, what: `${c} goals to finish` },
  );
  const elapsedS = (Date.now() - started) / 1000;
  const goals = await finishedGoals(api);
  const ratios = goals
    .filter((g) => g.status === 'completed' && g.timings.completed_at)
    .map(
      (g) =>
        (new Date(g.timings.completed_at!).getTime() - new Date(g.timings.created_at).getTime()) /
        CRITICAL_PATH_MS,
    );
  const cpu = processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0) - cpuBefore;
  if (process.env.BENCH_PHASES) phases.push(phaseTable(llm, started, `${mode} C=${c}`, answeredAt));
  return {
    mode,
    c,
    p50: percentile(ratios, 50),
    p95: percentile(ratios, 95),
    failed: goals.filter((g) => g.status === 'failed').length + refused,
    cpuMsPerTask: cpu / (c * TASKS),
    peakRssMb: processes.reduce((s, p) => s + peakRssMb(p.process.pid!), 0),
    elapsedS,
  };
}

async function main(): Promise<void> {
  const llm = new ScriptedLlmServer();
  await llm.start();
  llm.strict = true;
  scriptFanOut(llm, LATENCY_MS, 'LOAD-N');
  const env = {
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
  const rows: Row[] = [];
  try {
    for (const c of CONCURRENCIES) {
      if (MODES.includes('embedded')) {
        const app = await startApp({ env });
        try {
          const api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
          rows.push(await runLoad('embedded', [app], api, c, llm));
        } finally {
          await app.stop();
        }
      }
      if (MODES.includes('production'))
        for (const workers of WORKERS) {
          const db = await createPostgresDatabase();
          const production = await startProduction(env, db.url, workers);
          const mode = workers === 1 ? 'postgres+bullmq' : `postgres+bullmq, ${workers} workers`;
          try {
            rows.push(
              await runLoad(
                mode,
                [production.api, ...production.workers],
                production.client,
                c,
                llm,
              ),
            );
          } finally {
            await production.stop();
            await db.drop();
          }
        }
    }
  } finally {
    await llm.stop();
  }

  console.log(
    `\nLoad: C goals at once, N=${TASKS} independent tasks each, every model call ${LATENCY_MS} ms (critical path ${CRITICAL_PATH_MS} ms)\n`,
  );
  console.log(
    '| mode | C | wall / critical path p50 | p95 | failed goals | CPU ms/task | peak RSS MB | all done after s |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.c} | ${r.p50.toFixed(3)} | ${r.p95.toFixed(3)} | ${r.failed} | ${r.cpuMsPerTask.toFixed(2)} | ${r.peakRssMb.toFixed(0)} | ${r.elapsedS.toFixed(1)} |`,
    );
  }
  if (phases.length) {
    console.log('\nModel calls received, seconds after submission\n');
    console.log('| run | call | count | first | p50 | p95 | last |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(phases.join('\n'));
  }
  console.log(
    '\nTargets: p95 ≤ 1.15 (postgres+bullmq) and ≤ 1.25 (embedded) at C=200; 0 failed goals at C=500 in both modes.',
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
