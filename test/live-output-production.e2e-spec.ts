import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  goalFinished,
  ScriptedLlmServer,
  startApp,
  TestDatabase,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { liveTaskView, scriptOneTaskGoal, STREAMED_ANSWER } from './support/live-output';
import { WsTestClient } from './support/ws-client';

/**
 * Production mode: the task runs on a worker process, and its output deltas reach the
 * WebSocket clients of an API process (which runs no jobs) through Redis.
 */
describe('live task output across processes (PostgreSQL + Redis, API and worker)', () => {
  const llm = new ScriptedLlmServer();
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  let client: WsTestClient | undefined;

  beforeAll(async () => {
    await llm.start();
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'gpt-4o-mini',
      LLM_API_KEY: 'test-key',
    };
    // the API runs no jobs: every task of the goal runs on the worker
    processes.push(await startApp({ env: { ...env, PROCESS_JOBS: 'false' } }));
    processes.push(await startApp({ env, entry: 'worker' }));
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(processes.map((p) => p.stop()));
    await db?.drop();
    await llm.stop();
  });

  it("delivers the worker's deltas to the API's socket before the task's task.completed", async () => {
    const [apiProcess] = processes;
    const api = new ApiClient(apiProcess.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    client = await WsTestClient.connect(apiProcess.baseUrl);
    scriptOneTaskGoal(llm, 'LIVE-REMOTE');
    const ack = await client.request('goal.submit', {
      goal: 'LIVE-REMOTE: compare the Rhine, the Elbe and the Danube',
    });
    const goalId = ack.data.goal_id as string;
    const goal = await goalFinished(() => api.get(`/api/v1/goals/${goalId}`));
    expect(goal.status).toBe('completed');
    const [task] = (await api.get(`/api/v1/goals/${goalId}/tasks`)).body.items;
    await waitFor(() => client!.events(goalId).some((e) => e.event === 'goal.completed'), {
      what: 'goal.completed on the socket',
    });
    const seen = liveTaskView(client, task.id);
    expect(seen.deltas.length).toBeGreaterThanOrEqual(2);
    expect(seen.text).toBe(STREAMED_ANSWER);
    expect(task.output.text).toBe(STREAMED_ANSWER);
    expect(seen.completions).toHaveLength(1);
    expect(seen.completedAt).toBeGreaterThan(seen.lastDeltaAt);
  });
});
