import {
  ApiClient,
  AppProcess,
  conversationText,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';

/**
 * A machine without bubblewrap (SANDBOX_BWRAP_PATH names a file that does not exist):
 * the product starts and serves, says once that code execution is off and why, shows it
 * in /health/ready, and a goal's code call is refused with that reason.
 */
describe('the product on a machine without bubblewrap', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await llm.start();
    llm.when('[agent-village:intent_analyzer]', {
      json: {
        objective: 'count in Python',
        capabilities: ['code'],
        complexity: 'TRIVIAL',
        risk: 'LOW',
      },
    });
    llm.when('[agent-village:planner]', {
      json: {
        tasks: [
          {
            key: 't1',
            title: 'Count',
            description: 'Count to three in Python.',
            depends_on: [],
            capabilities: [],
          },
        ],
      },
    });
    llm.when('[agent-village:critic]', {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when('[agent-village:tool_agent]', (request) =>
      conversationText(request).includes('code execution is disabled')
        ? { content: 'Python is not available here, so I could not count.' }
        : { toolCalls: [{ name: 'execute_python', arguments: { code: 'print(1, 2, 3)' } }] },
    );
    app = await startApp({
      env: {
        SANDBOX_BWRAP_PATH: '/nonexistent/bwrap',
        SAFETY_APPROVAL_CATEGORIES: 'none',
        ...llm.singleAttemptEnv(),
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await llm.stop();
  });

  it('is ready, and /health/ready says code execution is off and why', async () => {
    const res = await api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' } },
      capabilities: {
        code_sandbox: {
          available: false,
          detail: '/nonexistent/bwrap not found or not executable',
        },
      },
    });
  });

  it('says so once at start, naming the package to install', () => {
    const lines = app
      .output()
      .split('\n')
      .filter((line) => line.includes('code execution disabled'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('/nonexistent/bwrap not found or not executable');
    expect(lines[0]).toContain(
      'Install bubblewrap and python3 (apt-get install bubblewrap python3)',
    );
  });

  it('refuses a goal’s code call with the reason, and the goal still ends', async () => {
    const submitted = await api.post('/api/v1/goals', { goal: 'Count to three in Python' });
    expect(submitted.status).toBe(202);
    const goal = await waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${submitted.body.goal_id}`);
        return ['completed', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      { what: 'the goal to finish', timeoutMs: 60000 },
    );
    expect(goal.status).toBe('completed');
    const tasks = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items;
    const calls = tasks.flatMap(
      (t: { output: { tool_calls?: unknown[] } | null }) => t.output?.tool_calls ?? [],
    );
    expect(calls).toEqual([
      expect.objectContaining({
        tool: 'execute_python',
        ok: false,
        error: expect.stringContaining(
          'code execution is disabled: the bubblewrap sandbox is not available (/nonexistent/bwrap not found or not executable)',
        ),
      }),
    ]);
    expect(
      app
        .output()
        .split('\n')
        .filter((l) => l.includes('code execution disabled')),
    ).toHaveLength(1);
  });
});
