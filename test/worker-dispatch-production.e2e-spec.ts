import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  queryPostgres,
  ScriptedLlmServer,
  startApp,
  TestDatabase,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

interface Worker {
  id: string;
  pid: number;
  status: string;
  capabilities: string[];
  load: { running: number; concurrency: number; tasks_running: number; task_concurrency: number };
  jobs: { done: number; failed: number; tasks_done: number; tasks_failed: number };
}

interface TaskRun {
  goal_id: string;
  task_id: string;
  capabilities: string[];
  worker_id: string;
  at: Date;
}

const GOALS = 30;
const JOB_CONCURRENCY = 4;
const TASK_CONCURRENCY = 3;
const MODES = ['pull', 'round_robin', 'least_loaded', 'weighted_random', 'capability_match'];

/** A word of letters only, new for each n, so memory never reuses an earlier goal's plan. */
const word = (n: number) =>
  `q${[...n.toString(26)].map((c) => 'abcdefghijklmnopqrstuvwxyz'[parseInt(c, 26)]).join('')}`;

/**
 * Production mode: one API (running no jobs) and three workers, one of which has the `gpu`
 * capability (routed: tasks needing it run only there). In each dispatch mode 30 goals of
 * two parallel tasks complete (every third goal has a task needing `gpu`), and which worker
 * ran each task (task.completed's worker_id) follows the strategy. Then a busy worker is
 * killed (its tasks are run again elsewhere, each completed once) and one is drained (its
 * running tasks finish, no new ones reach it, it leaves).
 */
describe('dispatch of goal and task jobs over three workers', () => {
  let db: TestDatabase;
  const llm = new ScriptedLlmServer();
  let processes: AppProcess[] = [];
  let api: AppProcess;
  let admin: ApiClient;
  let env: Record<string, string>;
  let goalCount = 0;

  const role = (name: string) => (r: ChatRequestBody) =>
    conversationText(r).includes(`[agent-village:${name}]`);

  const start = async (entry: 'main' | 'worker', extra: Record<string, string> = {}) => {
    const p = await startApp({ entry, env: { ...env, ...extra } });
    processes.push(p);
    return p;
  };
  const list = async (): Promise<Worker[]> => {
    const res = await admin.get('/api/v1/workers');
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const submit = async (gpu: boolean, extra = ''): Promise<string> => {
    const n = ++goalCount;
    const res = await admin.post('/api/v1/goals', {
      goal: `Analyse ${word(n)} ${gpu ? 'NEEDSGPU' : ''} ${extra}`.trim(),
    });
    expect(res.status).toBe(202);
    return res.body.goal_id;
  };
  const finished = (ids: string[], timeoutMs = 90_000) =>
    waitFor(
      async () => {
        const rows = await queryPostgres<{ id: string; status: string }>(
          db.url,
          'SELECT id, status FROM goals WHERE id = ANY($1)',
          [ids],
        );
        return rows.length === ids.length &&
          rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status))
          ? rows
          : undefined;
      },
      { what: `${ids.length} goals to finish`, timeoutMs, intervalMs: 250 },
    );
  const runsOf = (ids: string[]) =>
    queryPostgres<TaskRun>(
      db.url,
      `SELECT e.goal_id, e.task_id, t.capabilities, e.data->>'worker_id' AS worker_id, e.created_at AS at
         FROM goal_events e JOIN tasks t ON t.id = e.task_id
        WHERE e.type = 'task.completed' AND e.goal_id = ANY($1)`,
      [ids],
    );

  /** The API and three workers with one dispatch mode, on a queue prefix of their own. */
  const fleet = async (mode: string, extra: Record<string, string> = {}) => {
    await Promise.all(processes.map((p) => p.kill()));
    processes = [];
    env = { ...env, QUEUE_PREFIX: uniqueQueuePrefix(), WORKER_DISPATCH: mode, ...extra };
    api = await start('main', { PROCESS_JOBS: 'false' });
    admin = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const workers = await Promise.all([
      start('worker', { WORKER_CAPABILITIES: 'goal_execution,task_execution,gpu' }),
      start('worker', { WORKER_CAPABILITIES: 'goal_execution,task_execution' }),
      start('worker', { WORKER_CAPABILITIES: 'goal_execution,task_execution' }),
    ]);
    const entries = await waitFor(
      async () => {
        const items = await list();
        return items.length === 3 ? items : undefined;
      },
      { what: 'three workers in the registry' },
    );
    const idOf = (p: AppProcess) => entries.find((w) => w.pid === p.process.pid)!.id;
    return { workers, gpu: idOf(workers[0]), plain: [idOf(workers[1]), idOf(workers[2])] };
  };

  beforeAll(async () => {
    db = await createPostgresDatabase();
    await llm.start();
    llm.defaultLatencyMs = 20;
    llm.when(role('intent_analyzer'), {
      json: { objective: 'two parts', capabilities: [], complexity: 'COMPLEX', risk: 'LOW' },
    });
    llm.when(role('planner'), (request) => {
      const gpu = conversationText(request).includes('NEEDSGPU');
      return {
        json: {
          tasks: [0, 1].map((i) => ({
            key: `t${i}`,
            title: `part ${i}`,
            description: `do part ${i}`,
            depends_on: [],
            capabilities: gpu && i === 0 ? ['gpu'] : ['analysis'],
            acceptance_criteria: null,
          })),
        },
      };
    });
    llm.when(role('critic'), {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when((r) => conversationText(r).includes('SLOWTASK'), {
      content: 'part done slowly',
      latencyMs: 3000,
    });
    llm.otherwise({ content: 'part done' });
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'gpt-4o-mini',
      WORKER_ROUTED_CAPABILITIES: 'code,gpu',
      // no recall: an earlier goal's lessons (which quote its text) never reach the planner
      MEMORY_RECALL_MIN_SIMILARITY: '1',
      MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
      WORKER_HEARTBEAT_MS: '250',
      WORKER_OFFLINE_AFTER_MS: '1500',
      LEASE_TTL_MS: '2000',
      SWEEPER_INTERVAL_MS: '300',
      QUEUE_STALLED_INTERVAL_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '20000',
      JOB_CONCURRENCY: String(JOB_CONCURRENCY),
      WORKER_TASK_CONCURRENCY: String(TASK_CONCURRENCY),
      TASK_CONCURRENCY: '4',
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await llm.stop();
    await db?.drop();
  });

  for (const mode of MODES)
    it(`${mode}: 30 goals complete, gpu tasks only on the gpu worker, per-worker counts as the strategy says`, async () => {
      const { gpu, plain } = await fleet(mode);
      const all = [gpu, ...plain];
      // the registry's load, sampled while the goals run
      const peaks = new Map<string, { goals: number; tasks: number }>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const w of await list().catch(() => [] as Worker[])) {
            const peak = peaks.get(w.id) ?? { goals: 0, tasks: 0 };
            peaks.set(w.id, {
              goals: Math.max(peak.goals, w.load.running),
              tasks: Math.max(peak.tasks, w.load.tasks_running),
            });
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const ids = await Promise.all(Array.from({ length: GOALS }, (_, i) => submit(i % 3 === 0)));
      const rows = await finished(ids);
      sampling = false;
      await sampler;
      expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);

      const runs = await runsOf(ids);
      expect(runs).toHaveLength(GOALS * 2);
      expect(new Set(runs.map((r) => r.task_id)).size).toBe(GOALS * 2); // each task once
      const gpuRuns = runs.filter((r) => r.capabilities.includes('gpu'));
      expect(gpuRuns).toHaveLength(GOALS / 3);
      expect(new Set(gpuRuns.map((r) => r.worker_id))).toEqual(new Set([gpu]));
      const others = runs.filter((r) => !r.capabilities.includes('gpu'));
      for (const r of others) expect(all).toContain(r.worker_id);
      const count = (id: string) => others.filter((r) => r.worker_id === id).length;

      // a job is counted once it has returned, at its worker's next heartbeat: wait for the
      // goal jobs and (when every task went out as a job) the task jobs to be counted
      const jobsAsJob = mode === 'pull' ? 0 : GOALS * 2;
      const workers = await waitFor(
        async () => {
          const items = await list();
          const goalJobs = items.reduce((sum, w) => sum + w.jobs.done, 0);
          const taskJobs = items.reduce((sum, w) => sum + w.jobs.tasks_done, 0);
          return goalJobs >= GOALS && taskJobs >= jobsAsJob ? items : undefined;
        },
        { what: 'the jobs to be counted' },
      );
      const goalsDone = (id: string) => workers.find((w) => w.id === id)!.jobs.done;
      if (mode !== 'pull')
        // every task went out as a job, once
        expect(workers.reduce((sum, w) => sum + w.jobs.tasks_done, 0)).toBe(GOALS * 2);
      if (mode === 'round_robin') {
        const counts = all.map(count);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // goal jobs take turns too: a goal waiting on a busy worker, or whose run is starting
        // there, is not placed again (which would take a further turn)
        const goalCounts = all.map(goalsDone);
        expect(Math.max(...goalCounts) - Math.min(...goalCounts)).toBeLessThanOrEqual(1);
      }
      for (const id of all) {
        expect(peaks.get(id)?.goals ?? 0).toBeLessThanOrEqual(JOB_CONCURRENCY);
        expect(peaks.get(id)?.tasks ?? 0).toBeLessThanOrEqual(TASK_CONCURRENCY);
      }
    }, 180_000);

  it('kill -9 of a worker running tasks: it shows OFFLINE, its tasks run again elsewhere, each completes once', async () => {
    const { workers, gpu, plain } = await fleet('round_robin');
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map(() => submit(false, 'SLOWTASK')));
    // a worker with a task job running
    const busy = await waitFor(
      async () => (await list()).find((w) => w.load.tasks_running > 0 && w.id !== gpu),
      { what: 'a worker running a task' },
    );
    const victim = workers.find((p) => p.process.pid === busy.pid)!;
    await victim.kill();
    const killedAt = new Date();
    await waitFor(async () => (await list()).find((w) => w.id === busy.id)?.status === 'OFFLINE', {
      what: 'the killed worker to show OFFLINE',
      timeoutMs: 10_000,
    });
    const rows = await finished(ids, 120_000);
    expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);
    const runs = await runsOf(ids);
    expect(runs).toHaveLength(ids.length * 2);
    expect(new Set(runs.map((r) => r.task_id)).size).toBe(ids.length * 2);
    const after = runs.filter((r) => r.at > killedAt);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after)
      expect([gpu, ...plain.filter((id) => id !== busy.id)]).toContain(r.worker_id);
  }, 180_000);

  it('drain of a worker running tasks: they finish, no new task reaches it, it leaves the registry', async () => {
    const { workers, gpu } = await fleet('round_robin');
    const first = await Promise.all([1, 2, 3].map(() => submit(false, 'SLOWTASK')));
    const busy = await waitFor(
      async () => (await list()).find((w) => w.load.tasks_running > 0 && w.id !== gpu),
      { what: 'a worker running a task' },
    );
    const target = workers.find((p) => p.process.pid === busy.pid)!;
    const exited = new Promise<number | null>((resolve) =>
      target.process.once('exit', (code) => resolve(code)),
    );
    const drain = await admin.post(`/api/v1/workers/${busy.id}/drain`, {});
    expect(drain.status).toBe(202);
    // goals submitted after the drain: none of their tasks may run on it
    const later = await Promise.all([1, 2, 3, 4, 5, 6].map(() => submit(false)));
    const rows = await finished([...first, ...later], 120_000);
    expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);
    const runs = await runsOf([...first, ...later]);
    expect(new Set(runs.map((r) => r.task_id)).size).toBe(runs.length);
    expect(runs).toHaveLength((first.length + later.length) * 2);
    // the tasks it was running when told to drain finished there
    expect(runs.filter((r) => r.worker_id === busy.id).length).toBeGreaterThanOrEqual(1);
    const laterRuns = await runsOf(later);
    expect(laterRuns.filter((r) => r.worker_id === busy.id)).toEqual([]);
    expect(await exited).toBe(0);
    expect((await admin.get(`/api/v1/workers/${busy.id}`)).status).toBe(404);
  }, 180_000);
});
