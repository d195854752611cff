import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';

/**
 * The AGENT, PROVIDER and MIDDLEWARE plugins of test/fixtures/plugins/kinds on the built
 * product (embedded): the model is the plugin's OpenAI-compatible gateway, a task needing
 * the plugin's capability goes to its agent kind, and its middleware marks /api/v1/goals.
 */
describe('plugin kinds: agent, provider and middleware plugins (embedded)', () => {
  const gateway = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  const is = (role: string, marker: string) => (r: ChatRequestBody) => {
    const text = conversationText(r);
    return text.includes(`[agent-village:${role}]`) && text.includes(marker);
  };
  const intent = {
    json: {
      objective: 'translate',
      capabilities: ['translation'],
      complexity: 'SIMPLE',
      risk: 'LOW',
    },
  };
  const passed = { json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] } };

  async function finished(id: string) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: `goal ${id} to finish`, timeoutMs: 60000 },
    );
  }

  beforeAll(async () => {
    await gateway.start();
    app = await startApp({
      env: {
        PLUGINS_DIR: 'test/fixtures/plugins/kinds',
        PLUGIN_KINDS_PROVIDER_SETTINGS: JSON.stringify({ baseUrl: gateway.baseUrl }),
        LLM_PROVIDER: 'kinds-gateway',
        LLM_RETRY_BASE_MS: '20',
        TASK_RETRY_BASE_MS: '20',
        LLM_TIMEOUT_MS: '10000',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await gateway.stop();
  });

  it('a goal completes with its model calls served by the plugin’s gateway, and its translation task is done by the plugin’s translator kind', async () => {
    const M = 'GOAL-PLUGIN-KINDS';
    gateway.when(is('intent_analyzer', M), intent);
    gateway.when(is('planner', M), {
      json: {
        tasks: [
          {
            key: 'translate',
            title: 'Translate the greeting',
            description: 'Translate "good morning" into French',
            depends_on: [],
            capabilities: ['translation'],
            acceptance_criteria: 'a French greeting',
          },
        ],
      },
    });
    gateway.when(is('translator', M), { content: 'bonjour' });
    gateway.when(is('critic', M), passed);

    const { status, body } = await api.post('/api/v1/goals', {
      goal: `${M}: translate "good morning" into French`,
    });
    expect(status).toBe(202);
    const goal = await finished(body.goal_id);
    expect(goal.status).toBe('completed');

    // every model call of the goal reached the plugin's gateway, with the plugin's model and key
    const calls = gateway.chatRequests().filter((r) => conversationText(r.body).includes(M));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((r) => r.body.model === 'gateway-model')).toBe(true);
    expect(gateway.chatRequests().some((r) => is('translator', M)(r.body))).toBe(true);

    const tasks = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ status: 'completed', agent_kind: 'translator' });
    const events = (await api.get(`/api/v1/goals/${goal.id}/events`)).body.items as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    const assigned = events.find((e) => e.type === 'agent.assigned');
    expect(assigned?.data).toMatchObject({ agent_kind: 'translator', agent_name: 'translator' });
    expect(events.some((e) => e.type === 'agent.spawned')).toBe(false);
    const agent = (await api.get(`/api/v1/agents/${String(assigned?.data.agent_id)}`)).body;
    expect(agent).toMatchObject({ kind: 'translator', capabilities: ['translation'] });
  });

  it('the middleware’s header is on /api/v1/goals responses only, and only past authentication', async () => {
    const goals = await api.get('/api/v1/goals');
    expect(goals.status).toBe(200);
    expect(goals.headers.get('x-kinds-middleware')).toBe('seen');

    const agents = await api.get('/api/v1/agents');
    expect(agents.status).toBe(200);
    expect(agents.headers.get('x-kinds-middleware')).toBeNull();

    const anonymous = await new ApiClient(app.baseUrl).get('/api/v1/goals');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-kinds-middleware')).toBeNull();
  });
});
