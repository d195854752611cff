/**
 * Agents benchmark. Prints tables; asserts nothing.
 *
 * 1. Swarm wall time / one-call time for 10, 50 and 100 workers at concurrency 50, with
 *    200 ms scripted model calls (each figure the median of RUNS runs):
 *    - engine: the swarm engine (runUnits + aggregate) driving the product's LLM client
 *      (@langchain/openai ChatOpenAI on the product's node:http fetch) against the scripted OpenAI-compatible server; one
 *      call is a single call through that client;
 *    - product: a goal with pattern `swarm` run by the built product (node dist/src/main.js,
 *      PGlite), reading wall_ms from its swarm.completed event; one call is the wall_ms of
 *      a one-unit swarm (one worker, one model call, through the same path). `task ms` is
 *      the whole swarm task, task.started to task.completed: the coordinator's call,
 *      spawning the workers, the units, retiring the workers and storing the result.
 *    wall/200 divides by the scripted latency alone, for comparison with earlier runs.
 * 2. Selection hit rate on a synthetic history: how often the seed's score picks the truly
 *    best agent for a task type after 5, 20 and 50 outcomes per agent, next to the
 *    ceiling those outcomes allow (how often the agent with the most successes is the
 *    best, ties split), over TRIALS histories from a fixed seed.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { ApiClient, ScriptedLlmServer, startApp, TEST_ADMIN_API_KEY, waitFor } from '#testing';
import { applyOutcome, Candidate, emptyStats, selectAgent } from '../src/agents/selection';
import { aggregate, runUnits } from '../src/agents/swarm';
import { createNodeHttpFetch } from '../src/llm/node-http-fetch';

const LATENCY_MS = 200;
const CONCURRENCY = 50;
const SIZES = [10, 50, 100];
/** Runs per figure: single swarms on a shared 2-core machine move by ±15 ms, so a figure is a median of several. */
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TRIALS = 10000;
/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the product process there. */
const NODE_ARGS = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function repeat<T>(times: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await run());
  return results;
}

function row(
  layer: string,
  n: number,
  one: number,
  wall: number,
  taskMs: number | undefined,
  succeeded: number,
): string[] {
  return [
    layer,
    String(n),
    String(CONCURRENCY),
    one.toFixed(0),
    wall.toFixed(0),
    (wall / one).toFixed(3),
    (wall / LATENCY_MS).toFixed(3),
    taskMs === undefined ? '-' : taskMs.toFixed(0),
    String(succeeded),
  ];
}

async function engineRows(server: ScriptedLlmServer): Promise<string[][]> {
  const model = new ChatOpenAI({
    model: 'scripted-model',
    apiKey: 'bench',
    configuration: { baseURL: server.baseUrl, fetch: createNodeHttpFetch() },
    maxRetries: 0,
  });
  const call = async (i: number) => {
    const reply = await model.invoke([
      new SystemMessage('[agent-village:swarm_worker] bench'),
      new HumanMessage(`unit ${i}`),
    ]);
    return String(reply.content);
  };
  await call(-1); // warm up the connection pool
  const one = median(
    await repeat(5, async () => {
      const t0 = performance.now();
      await call(0);
      return performance.now() - t0;
    }),
  );
  const rows: string[][] = [];
  for (const n of SIZES) {
    const units = Array.from({ length: n }, (_, i) => ({ key: `u${i}`, instruction: `unit ${i}` }));
    const runs = await repeat(RUNS, async () => {
      const { results, wallMs } = await runUnits(units, CONCURRENCY, (u) =>
        call(Number(u.key.slice(1))),
      );
      return { wallMs, succeeded: aggregate(results, 'merge').succeeded };
    });
    const wall = median(runs.map((r) => r.wallMs));
    rows.push(row('engine', n, one, wall, undefined, Math.min(...runs.map((r) => r.succeeded))));
  }
  return rows;
}

type Event = { type: string; created_at: string; data: { wall_ms: number; succeeded: number } };

/** Runs one swarm goal of `n` units; its swarm wall time and the whole swarm task's time. */
async function swarmGoal(
  api: ApiClient,
  n: number,
): Promise<{ wallMs: number; taskMs: number; succeeded: number }> {
  const res = await api.post('/api/v1/goals', {
    goal: `bench swarm {units:${n}}`,
    pattern: 'swarm',
  });
  const id = res.body.goal_id as string;
  await waitFor(
    async () => {
      const g = (await api.get(`/api/v1/goals/${id}`)).body;
      return ['completed', 'failed'].includes(g.status) ? g : undefined;
    },
    // polled slowly: each poll is a request the product serves on the loop the swarm runs on
    { timeoutMs: 120000, intervalMs: 400, what: 'bench goal' },
  );
  const events = (await api.get(`/api/v1/goals/${id}/events?limit=1000`)).body.items as Event[];
  const at = (type: string) =>
    new Date(events.find((e) => e.type === type)?.created_at ?? NaN).getTime();
  const done = events.find((e) => e.type === 'swarm.completed');
  return {
    wallMs: done?.data.wall_ms ?? NaN,
    taskMs: at('task.completed') - at('task.started'),
    succeeded: done?.data.succeeded ?? 0,
  };
}

async function productRows(server: ScriptedLlmServer): Promise<string[][]> {
  const app = await startApp({
    env: {
      ...server.productEnv(),
      LLM_API_KEY: 'bench',
      LOG_LEVEL: 'warn',
      SWARM_CONCURRENCY: String(CONCURRENCY),
      AGENT_MAX_RUNNING: '200',
      AGENT_SPAWN_LIMIT_PER_GOAL: '500',
    },
    nodeArgs: NODE_ARGS,
  });
  const api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  const rows: string[][] = [];
  try {
    await swarmGoal(api, 1); // warm up
    const one = median((await repeat(RUNS, () => swarmGoal(api, 1))).map((r) => r.wallMs));
    for (const n of SIZES) {
      const runs = await repeat(RUNS, () => swarmGoal(api, n));
      rows.push(
        row(
          'product',
          n,
          one,
          median(runs.map((r) => r.wallMs)),
          median(runs.map((r) => r.taskMs)),
          Math.min(...runs.map((r) => r.succeeded)),
        ),
      );
    }
  } finally {
    await app.stop();
  }
  return rows;
}

/** Deterministic PRNG (mulberry32) so the synthetic history is the same every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How often selection picks the truly best agent, and the ceiling: how often the agent with
 * the most successes is the best (ties split evenly), which no rule ranking these same
 * outcomes can beat on average.
 */
function selectionHitRate(agents: number, outcomes: number, trials: number, gap: number) {
  const random = rng(42 + agents * 1000 + outcomes);
  const type = 'analysis';
  let hits = 0;
  let ceiling = 0;
  for (let trial = 0; trial < trials; trial++) {
    // true success probabilities: the best is `gap` above every other agent
    const probs = Array.from({ length: agents }, () => 0.2 + random() * (0.75 - gap));
    const bestIndex = Math.floor(random() * agents);
    probs[bestIndex] = Math.max(...probs) + gap;
    const candidates: Candidate[] = probs.map((p, i) => {
      let stats = emptyStats();
      for (let k = 0; k < outcomes; k++)
        stats = applyOutcome(stats, {
          taskType: type,
          success: random() < p,
          tokens: 500 + Math.floor(random() * 500),
          durationMs: 1000,
          at: new Date(),
        });
      return { id: `a${i}`, name: `a${i}`, capabilities: [type], specializations: [], stats };
    });
    const chosen = selectAgent(candidates, { capabilities: [type] }, { explorationRate: 0 })!;
    if (chosen.chosen.candidate.id === `a${bestIndex}`) hits++;
    const successes = candidates.map((c) => c.stats.successes);
    const most = Math.max(...successes);
    if (successes[bestIndex] === most) ceiling += 1 / successes.filter((s) => s === most).length;
  }
  return { hitRate: hits / trials, ceiling: ceiling / trials };
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('');
}

async function main(): Promise<void> {
  const server = new ScriptedLlmServer();
  await server.start();
  server.defaultLatencyMs = LATENCY_MS;
  server.when('[agent-village:intent_analyzer]', {
    json: { objective: 'bench', capabilities: ['analysis'], complexity: 'COMPLEX', risk: 'LOW' },
    latencyMs: 0,
  });
  server.when('[agent-village:planner]', {
    json: {
      tasks: [
        {
          key: 't1',
          title: 'bench',
          description: 'bench',
          depends_on: [],
          capabilities: ['analysis'],
        },
      ],
    },
    latencyMs: 0,
  });
  server.when('[agent-village:swarm_coordinator]', (r) => {
    const text = (r.messages ?? []).map((m) => String(m.content)).join('\n');
    const n = Number(/\{units:(\d+)\}/.exec(text)?.[1] ?? 10);
    return {
      json: {
        units: Array.from({ length: n }, (_, i) => ({
          key: `u${i + 1}`,
          instruction: `unit ${i + 1}`,
        })),
        aggregation: 'merge',
      },
      latencyMs: 0,
    };
  });
  server.when('[agent-village:critic]', {
    json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    latencyMs: 0,
  });
  server.otherwise((r) => ({
    content: `done ${(r.messages ?? []).map((m) => String(m.content)).join(' ').length}`,
    latencyMs: LATENCY_MS,
  }));
  try {
    console.log(
      `Swarm: ${LATENCY_MS} ms per model call, concurrency ${CONCURRENCY}, median of ${RUNS} runs (target: wall/one <= 1.15 for 10 and 50)\n`,
    );
    const rows = await engineRows(server);
    const skipProduct = process.argv.includes('--engine-only');
    if (!skipProduct) rows.push(...(await productRows(server)));
    table(
      [
        'layer',
        'workers',
        'concurrency',
        'one call ms',
        'wall ms',
        'wall/one',
        'wall/200',
        'task ms',
        'succeeded',
      ],
      rows,
    );
  } finally {
    await server.stop();
  }
  console.log(
    `Selection hit rate: picks of the truly best agent over ${TRIALS} synthetic histories (exploration off; target >= 90% at 20 outcomes)\n`,
  );
  const rows: string[][] = [];
  for (const [agents, gap] of [
    [3, 0.2],
    [5, 0.2],
    [10, 0.2],
    [5, 0.1],
  ])
    for (const outcomes of [5, 20, 50]) {
      const { hitRate, ceiling } = selectionHitRate(agents, outcomes, TRIALS, gap);
      rows.push([
        String(agents),
        gap.toFixed(2),
        String(outcomes),
        `${(hitRate * 100).toFixed(1)}%`,
        `${(ceiling * 100).toFixed(1)}%`,
      ]);
    }
  table(['agents', 'best by', 'outcomes/agent', 'hit rate', 'ceiling'], rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
