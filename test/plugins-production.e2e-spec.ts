import { join } from 'node:path';
import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  ScriptedLlmServer,
  ScriptedReply,
  startApp,
  TestDatabase,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

/**
 * Plugins in production mode: an API process that runs no jobs and a worker, on PostgreSQL
 * and Redis. The example TOOL plugin's tool runs on the worker; an administrator's disable
 * and enable, sent to the API, reach the worker without a restart.
 */
const EXAMPLES = join(__dirname, '..', 'examples', 'plugins');
const offered: string[][] = [];

/** Calls lookup_word in one turn, then answers with what the tool returned. */
function toolAgent(request: ChatRequestBody): ScriptedReply {
  const messages = request.messages ?? [];
  if (!messages.some((m) => m.role === 'assistant' && m.tool_calls?.length)) {
    offered.push((request.tools ?? []).map((t) => t.function.name));
    return { toolCalls: [{ name: 'lookup_word', arguments: { word: 'Village' } }] };
  }
  const results = messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
  return { content: `tool said: ${results.join(' | ')}` };
}

describe('plugins across an API process and a worker (PostgreSQL + Redis)', () => {
  const llm = new ScriptedLlmServer();
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  let admin: ApiClient;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    await llm.start();
    const role = (name: string) => (r: ChatRequestBody) =>
      conversationText(r).includes(`[agent-village:${name}]`);
    llm.when(role('intent_analyzer'), {
      json: { objective: 'look it up', capabilities: [], complexity: 'TRIVIAL', risk: 'LOW' },
    });
    llm.when(role('critic'), {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when(role('tool_agent'), toolAgent);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'gpt-4o-mini',
      LLM_MAX_RETRIES: '0',
      TASK_MAX_ATTEMPTS: '1',
      PLUGINS_DIR: EXAMPLES,
    };
    const api = await startApp({ env: { ...env, PROCESS_JOBS: 'false' } });
    processes.push(api);
    processes.push(await startApp({ entry: 'worker', env }));
    admin = new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await llm.stop();
    await db?.drop();
  });

  async function lookUp(): Promise<{ status: string; call: Record<string, unknown> }> {
    const submitted = await admin.post('/api/v1/goals', { goal: 'Look the word up' });
    expect(submitted.status).toBe(202);
    const goal = await waitFor(
      async () => {
        const res = await admin.get(`/api/v1/goals/${submitted.body.goal_id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: 'the goal to finish', timeoutMs: 60_000 },
    );
    const tasks = (await admin.get(`/api/v1/goals/${goal.id}/tasks`)).body.items as Array<{
      output: { tool_calls?: Array<Record<string, unknown>> } | null;
    }>;
    return { status: goal.status, call: tasks[0]?.output?.tool_calls?.[0] ?? {} };
  }

  it('runs the plugin tool on the worker, and follows disable and enable sent to the API', async () => {
    const first = await lookUp();
    expect(first.status).toBe('completed');
    expect(first.call).toMatchObject({ tool: 'lookup_word', ok: true });
    expect(offered.at(-1)).toContain('lookup_word');

    const disabled = await admin.post('/api/v1/plugins/echo-tool/disable', {});
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('DISABLED');
    // the worker hears it over Redis: its next task is no longer offered the tool
    await waitFor(
      async () => {
        const run = await lookUp();
        return offered.at(-1)?.includes('lookup_word') ? undefined : run;
      },
      { what: 'the worker to drop the disabled tool', timeoutMs: 60_000, intervalMs: 200 },
    ).then((run) => expect(run.call).toMatchObject({ tool: 'lookup_word', ok: false }));

    expect((await admin.post('/api/v1/plugins/echo-tool/enable', {})).status).toBe(200);
    const back = await waitFor(
      async () => {
        const run = await lookUp();
        return run.call.ok === true ? run : undefined;
      },
      { what: 'the worker to take the tool back', timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(back.status).toBe('completed');
    expect(offered.at(-1)).toContain('lookup_word');
  }, 240_000);
});
