/**
 * npm run bench:orchestration — orchestration overhead of the governor.
 *
 * A goal is planned (by the scripted LLM) into N independent tasks; every LLM call takes
 * L ms. The critical path is 4 sequential calls (intent, plan, one task, critic), so
 * ideal wall time is 4·L. Prints wall / critical path and the per-task overhead
 * ((wall − 4·L) / N, and the product's CPU time / N), for the embedded mode (PGlite +
 * in-process queue) and production mode (PostgreSQL + BullMQ + one worker process).
 * Targets: ratio ≤ 1.10 at N=10, L=200; overhead ≤ 2 ms (embedded), ≤ 8 ms (production) at L=0.
 */
import { readFileSync } from 'node:fs';
import {
  ApiClient,
  AppProcess,
  conversationText,
  createPostgresDatabase,
  ScriptedLlmServer,
  startApp,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '../libs/testing/src';

const SIZES = (process.env.BENCH_N ?? '10,50,100').split(',').map(Number);
const LATENCIES = (process.env.BENCH_L ?? '0,200').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Row {
  mode: string;
  n: number;
  l: number;
  wallMs: number;
  ratio: number;
  overheadMs: number;
  cpuMsPerTask: number;
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

function script(llm: ScriptedLlmServer, latency: number): void {
  llm.reset();
  llm.defaultLatencyMs = latency;
  llm.when('[agent-village:intent_analyzer]', {
    json: { objective: 'fan out', capabilities: ['analysis'], complexity: 'COMPLEX', risk: 'LOW' },
  });
  llm.when('[agent-village:planner]', (request) => {
    const n = Number(/BENCH-N=(\d+)/.exec(conversationText(request))?.[1] ?? 1);
    return {
      json: {
        tasks: Array.from({ length: n }, (_, i) => ({
          key: `t${i}`,
          title: `task ${i}`,
          description: `do part ${i}`,
          depends_on: [],
        })),
      },
    };
  });
  llm.when('[agent-village:tool_agent]', {
    content: 'part done',
    usage: { prompt_tokens: 20, completion_tokens: 5 },
  });
  llm.when('[agent-village:critic]', {
    json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
  });
}

async function runGoal(api: ApiClient, n: number): Promise<number> {
  const { body } = await api.post('/api/v1/goals', { goal: `BENCH-N=${n} fan out the work` });
  const goal = await waitFor(
    async () => {
      const res = await api.get(`/api/v1/goals/${body.goal_id}`);
      if (res.body.status === 'failed')
        throw new Error(`bench goal failed: ${res.body.failure_reasons}`);
      return res.body.status === 'completed' ? res.body : undefined;
    },
    { timeoutMs: 120000, intervalMs: 20 },
  );
  return (
    new Date(goal.timings.completed_at).getTime() - new Date(goal.timings.created_at).getTime()
  );
}

async function measure(
  mode: string,
  processes: AppProcess[],
  api: ApiClient,
  llm: ScriptedLlmServer,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const l of LATENCIES) {
    script(llm, l);
    await runGoal(api, 5); // warm-up
    for (const n of SIZES) {
      const walls: number[] = [];
      const cpus: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const before = processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0);
        walls.push(await runGoal(api, n));
        cpus.push(processes.reduce((s, p) => s + cpuMs(p.process.pid!), 0) - before);
      }
      const wall = median(walls);
      const critical = 4 * l;
      rows.push({
        mode,
        n,
        l,
        wallMs: wall,
        ratio: critical ? wall / critical : NaN,
        overheadMs: (wall - critical) / n,
        cpuMsPerTask: median(cpus) / n,
      });
    }
  }
  return rows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const llm = new ScriptedLlmServer();
  await llm.start();
  const llmEnv = {
    LLM_PROVIDER: 'openai',
    LLM_BASE_URL: llm.baseUrl,
    LLM_API_KEY: 'bench',
    LLM_MODEL: 'gpt-4o-mini',
    LOG_LEVEL: 'warn',
    TASK_CONCURRENCY: String(Math.max(...SIZES)),
  };
  const rows: Row[] = [];

  const embedded = await startApp({ env: llmEnv });
  try {
    rows.push(...(await measure('embedded', [embedded], new ApiClient(embedded.baseUrl), llm)));
  } finally {
    await embedded.stop();
  }

  const db = await createPostgresDatabase();
  const prodEnv = {
    ...llmEnv,
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
  };
  const api = await startApp({ env: { ...prodEnv, PROCESS_JOBS: 'false' } });
  const worker = await startApp({ entry: 'worker', env: { ...prodEnv, LOG_LEVEL: 'info' } });
  try {
    rows.push(
      ...(await measure('postgres+bullmq', [api, worker], new ApiClient(api.baseUrl), llm)),
    );
  } finally {
    await worker.stop();
    await api.stop();
    await db.drop();
    await llm.stop();
  }

  console.log(
    '\nOrchestration overhead (median of %d runs; critical path = 4 LLM calls × L)\n',
    RUNS,
  );
  console.log(
    '| mode | N | L ms | wall ms | wall / critical path | overhead ms/task | CPU ms/task |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.n} | ${r.l} | ${r.wallMs.toFixed(0)} | ${Number.isNaN(r.ratio) ? 'n/a' : r.ratio.toFixed(3)} | ${r.overheadMs.toFixed(2)} | ${r.cpuMsPerTask.toFixed(2)} |`,
    );
  }
  console.log(
    '\nTargets: ratio ≤ 1.10 at N=10, L=200 (both modes); overhead ≤ 2 ms/task embedded and ≤ 8 ms/task postgres+bullmq at L=0.',
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
