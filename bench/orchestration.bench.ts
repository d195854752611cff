/**
 * npm run bench:orchestration — orchestration overhead of the governor.
 *
 * A goal is planned (by the scripted LLM) into N independent tasks; every LLM call takes
 * L ms. The critical path is 4 sequential calls (intent, plan, one task, critic), so
 * ideal wall time is 4·L. Prints wall / critical path and the per-task overhead
 * ((wall − 4·L) / N, and the product's CPU time / N), for the embedded mode (PGlite +
 * in-process queue) and production mode (PostgreSQL + BullMQ + one worker process).
 * The scripted server is strict, as a guided-decoding server is: it answers structured
 * calls only through the native channel the request used (response_format json_schema).
 * BENCH_MODES (embedded,production), BENCH_LLM (offline,scripted), BENCH_N, BENCH_L and
 * BENCH_RUNS narrow a run; BENCH_WARM_UP sets the goals run first and not measured.
 * BENCH_LLM=offline,hooks and scripted,scripted-hooks run the goals again with a plugin of
 * ten no-op hook handlers on every hook point (bench/fixtures/no-op-hooks) and print the
 * ratio of their wall time to the run without plugins; target ≤ 1.05 at L=200.
 * Targets: ratio ≤ 1.10 at N=10, L=200; overhead ≤ 2 ms (embedded), ≤ 8 ms (production) at L=0.
 */
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  ScriptedLlmServer,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';
import { join } from 'node:path';
import { scriptFanOut, uniqueWord } from './fan-out-script';
import { cpuMs } from './process-stats';
import { startProductionPair } from './production-pair';

const SIZES = (process.env.BENCH_N ?? '10,50,100').split(',').map(Number);
const LATENCIES = (process.env.BENCH_L ?? '0,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MODES = (process.env.BENCH_MODES ?? 'embedded,production').split(',');
const LLMS = (process.env.BENCH_LLM ?? 'offline,scripted').split(',');
/**
 * Goals run before measuring: a long-running process has compiled its code paths and each
 * pooled database connection has prepared the statements it runs; one goal reaches only some
 * of the connections.
 */
const WARM_UP_GOALS = Number(process.env.BENCH_WARM_UP ?? 4);
/** Read by the product at start; the bench runs from the repository's root. */
const NO_OP_HOOKS_DIR = join(process.cwd(), 'bench', 'fixtures', 'no-op-hooks');
const WITH_HOOKS = 'offline + 10 no-op hooks per point';
const SCRIPTED = 'scripted (strict), HTTP';
const SCRIPTED_WITH_HOOKS = 'scripted + 10 no-op hooks per point';

interface Row {
  mode: string;
  llm: string;
  n: number;
  l: number;
  wallMs: number;
  ratio: number;
  overheadMs: number;
  cpuMsPerTask: number;
}

function script(llm: ScriptedLlmServer, latency: number): void {
  scriptFanOut(llm, latency, 'BENCH-N');
}

/** Offline: N independent sentences plan into N parallel tasks plus a join, with no LLM client at all. */
function offlineGoal(n: number, batch: number): string {
  return Array.from(
    { length: n - 1 },
    (_, i) => `Research item ${i + 1} of batch ${uniqueWord(batch)}.`,
  ).join(' ');
}

/**
 * Every goal text is unique in its words (embeddings ignore digits), so memory never
 * replaces the planner with a reused procedure; runGoal checks that it did not.
 */
let batches = 0;

async function runGoal(api: ApiClient, n: number, offline = false): Promise<number> {
  const { body } = await api.post('/api/v1/goals', {
    goal: offline
      ? offlineGoal(n, ++batches)
      : `BENCH-N=${n} fan out the work, batch ${uniqueWord(++batches)}`,
  });
  const goal = await waitFor(
    async () => {
      const res = await api.get(`/api/v1/goals/${body.goal_id}`);
      return ['completed', 'failed'].includes(res.body.status) ? res.body : undefined;
    },
    // the wall time comes from the goal's own timestamps: slower polling only lightens the load
    { timeoutMs: 120000, intervalMs: 100, what: `goal of ${n} tasks to finish` },
  ).catch(async (error: Error) => {
    const events = (await api.get(`/api/v1/goals/${body.goal_id}/events`)).body.items ?? [];
    const tail = events
      .slice(-5)
      .map((e: { type: string; data: unknown }) => `${e.type} ${JSON.stringify(e.data)}`);
    throw new Error(`${error.message}; last events:\n${tail.join('\n')}`);
  });
  if (goal.status !== 'completed') throw new Error(`bench goal failed: ${goal.failure_reasons}`);
  const events = (await api.get(`/api/v1/goals/${body.goal_id}/events?limit=1000`)).body
    .items as Array<{
    type: string;
    data: { reused?: boolean };
  }>;
  if (events.some((e) => e.type === 'plan.created' && e.data.reused))
    throw new Error('a bench goal reused a stored procedure instead of planning');
  return (
    new Date(goal.timings.completed_at).getTime() - new Date(goal.timings.created_at).getTime()
  );
}

/** Median wall time and CPU (summed over the product's processes) of RUNS goals. */
async function sample(
  processes: AppProcess[],
  run: () => Promise<number>,
): Promise<{ wall: number; cpu: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    process.stderr.write('.');
    const before = processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0);
    walls.push(await run());
    cpus.push(processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0) - before);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

async function measureOffline(
  mode: string,
  processes: AppProcess[],
  api: ApiClient,
  label = 'none (offline)',
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < WARM_UP_GOALS; i++) await runGoal(api, 5, true);
  for (const n of SIZES) {
    const { wall, cpu } = await sample(processes, () => runGoal(api, n, true));
    rows.push({
      mode,
      llm: label,
      n,
      l: 0,
      wallMs: wall,
      ratio: NaN,
      overheadMs: wall / n,
      cpuMsPerTask: cpu / n,
    });
  }
  return rows;
}

async function measure(
  mode: string,
  processes: AppProcess[],
  api: ApiClient,
  llm: ScriptedLlmServer,
  label = SCRIPTED,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const l of LATENCIES) {
    script(llm, l);
    for (let i = 0; i < WARM_UP_GOALS; i++) await runGoal(api, 10);
    for (const n of SIZES) {
      const { wall, cpu } = await sample(processes, () => runGoal(api, n));
      const critical = 4 * l;
      rows.push({
        mode,
        llm: label,
        n,
        l,
        wallMs: wall,
        ratio: critical ? wall / critical : NaN,
        overheadMs: (wall - critical) / n,
        cpuMsPerTask: cpu / n,
      });
    }
  }
  return rows;
}

/** Rows of one mode, LLM and latency, in order of N. */
function groupRows(rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.mode}|${r.llm}|${r.l}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => [...g].sort((a, b) => a.n - b.n));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const llm = new ScriptedLlmServer();
  llm.strict = true;
  await llm.start();
  // procedures are only reused for an identical goal; every bench goal is unique
  // the bench polls goals quickly: lift the admin key's per-minute request limit
  const common = {
    API_KEY_RATE_PER_MINUTE: '10000000',
    API_KEY_RATE_PER_HOUR: '100000000',
    API_KEY_RATE_BURST: '1000000',
    LOG_LEVEL: 'warn',
    TASK_CONCURRENCY: String(Math.max(...SIZES)),
    MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
    ...(process.env.BENCH_EXTRA_ENV ? JSON.parse(process.env.BENCH_EXTRA_ENV) : {}),
  };
  const llmEnv = {
    ...common,
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'bench',
    LLM_MODEL: 'gpt-4o-mini',
  };
  const rows: Row[] = [];
  const offlineEnv = common;

  const variants = [
    ['offline', offlineEnv, measureOffline],
    [
      'hooks',
      { ...offlineEnv, PLUGINS_DIR: NO_OP_HOOKS_DIR },
      (mode: string, ps: AppProcess[], api: ApiClient) => measureOffline(mode, ps, api, WITH_HOOKS),
    ],
    [
      'scripted',
      llmEnv,
      (mode: string, ps: AppProcess[], api: ApiClient) => measure(mode, ps, api, llm),
    ],
    [
      'scripted-hooks',
      { ...llmEnv, PLUGINS_DIR: NO_OP_HOOKS_DIR },
      (mode: string, ps: AppProcess[], api: ApiClient) =>
        measure(mode, ps, api, llm, SCRIPTED_WITH_HOOKS),
    ],
  ] as const;
  for (const [name, env, run] of variants) {
    if (!MODES.includes('embedded') || !LLMS.includes(name)) continue;
    const app = await startApp({ env });
    try {
      rows.push(
        ...(await run(
          'embedded',
          [app],
          new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY),
        )),
      );
    } finally {
      await app.stop();
    }
  }

  const db = await createPostgresDatabase();
  try {
    for (const [name, env, run] of variants) {
      if (!MODES.includes('production') || !LLMS.includes(name)) continue;
      const pair = await startProductionPair(env, db.url);
      try {
        rows.push(...(await run('postgres+bullmq', [pair.api, pair.worker], pair.client)));
      } finally {
        await pair.stop();
      }
    }
  } finally {
    await db.drop();
    await llm.stop();
  }

  console.log(
    '\nOrchestration overhead (median of %d runs; critical path = 4 LLM calls × L)\n',
    RUNS,
  );
  console.log(
    '| mode | LLM | N | L ms | wall ms | wall / critical path | overhead ms/task | CPU ms/task |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.llm} | ${r.n} | ${r.l} | ${r.wallMs.toFixed(0)} | ${Number.isNaN(r.ratio) ? 'n/a' : r.ratio.toFixed(3)} | ${r.overheadMs.toFixed(2)} | ${r.cpuMsPerTask.toFixed(2)} |`,
    );
  }
  console.log('\nMarginal cost of one more task (fixed per-goal costs taken out)\n');
  console.log('| mode | LLM | L ms | (wall at largest N − wall at smallest N) / ΔN, ms/task |');
  console.log('|---|---|---|---|');
  for (const group of groupRows(rows)) {
    const first = group[0];
    const last = group[group.length - 1];
    if (group.length < 2 || last.n === first.n) continue;
    console.log(
      `| ${first.mode} | ${first.llm} | ${first.l} | ${((last.wallMs - first.wallMs) / (last.n - first.n)).toFixed(2)} |`,
    );
  }
  const hooked = rows.filter((r) => r.llm === WITH_HOOKS || r.llm === SCRIPTED_WITH_HOOKS);
  if (hooked.length) {
    console.log('\nHook overhead: ten no-op handlers on every hook point against no plugins\n');
    console.log('| mode | LLM | N | L ms | wall ms, no plugins | wall ms, with hooks | ratio |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of hooked) {
      const baseLlm = r.llm === WITH_HOOKS ? 'none (offline)' : SCRIPTED;
      const base = rows.find(
        (b) => b.mode === r.mode && b.llm === baseLlm && b.n === r.n && b.l === r.l,
      );
      const ratio = base ? (r.wallMs / base.wallMs).toFixed(3) : 'n/a (run it without hooks too)';
      console.log(
        `| ${r.mode} | ${r.llm} | ${r.n} | ${r.l} | ${base?.wallMs.toFixed(0) ?? 'n/a'} | ${r.wallMs.toFixed(0)} | ${ratio} |`,
      );
    }
    console.log(
      '\nTarget: ratio ≤ 1.05 where model calls take time (L=200); at L=0 the ratio shows what the handlers cost against orchestration alone.',
    );
  }
  console.log(
    '\nAt L=0, LLM "none (offline)" is pure orchestration (offline agents, no LLM client); "scripted (strict), HTTP" adds the LangChain/OpenAI client and an HTTP round trip per call.',
  );
  console.log(
    '\nTargets: ratio ≤ 1.10 at N=10, L=200 (both modes); overhead ≤ 2 ms/task embedded and ≤ 8 ms/task postgres+bullmq at L=0.',
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
