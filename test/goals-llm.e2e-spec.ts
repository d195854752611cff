import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  freePort,
  ScriptedLlmServer,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';

/**
 * The governor driving the real @langchain/openai client against a scripted
 * OpenAI-compatible server: parallelism, retries, replanning, repair of malformed output,
 * 429 handling and an unreachable provider.
 */
describe('goals with an LLM provider (scripted OpenAI-compatible server)', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  const is = (role: string, marker: string) => (r: ChatRequestBody) => {
    const text = conversationText(r);
    return text.includes(`[agent-village:${role}]`) && text.includes(marker);
  };
  const requestsFor = (role: string, marker: string) =>
    llm.chatRequests().filter((r) => is(role, marker)(r.body));
  const intent = (complexity: string) => ({
    json: { objective: 'do it', capabilities: ['analysis'], complexity, risk: 'LOW' },
  });
  const passed = { json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] } };
  const task = (key: string, depends_on: string[] = []) => ({
    key,
    title: `step ${key}`,
    description: `do ${key}`,
    depends_on,
    capabilities: [],
    acceptance_criteria: `${key} done`,
  });

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
    await llm.start();
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'gpt-4o-mini',
        LLM_API_KEY: 'test-key',
        LLM_RETRY_BASE_MS: '20',
        TASK_RETRY_BASE_MS: '20',
        LLM_TIMEOUT_MS: '10000',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await llm.stop();
  });

  it('runs independent tasks concurrently: wall time close to the critical path', async () => {
    const M = 'GOAL-PARALLEL';
    llm.when(is('intent_analyzer', M), intent('COMPLEX'));
    llm.when(is('planner', M), {
      json: { tasks: [task('a'), task('b'), task('c'), task('d', ['a', 'b', 'c'])] },
    });
    llm.when(is('tool_agent', M), { content: 'result text', latencyMs: 1500 });
    llm.when(is('critic', M), passed);

    const { body } = await api.post('/api/v1/goals', {
      goal: `${M}: compare three options and summarise`,
    });
    const goal = await finished(body.goal_id);
    expect(goal.status).toBe('completed');
    expect(goal.state).toBe('COMPLETED');
    expect(goal.pattern).toBe('swarm');

    const starts = requestsFor('tool_agent', M).map((r) => r.receivedAt);
    expect(starts).toHaveLength(4);
    // the three independent tasks are all in flight before the first one answers
    // (run one after another they would start 1.5 s apart)...
    const firstThree = starts.slice(0, 3);
    expect(Math.max(...firstThree) - Math.min(...firstThree)).toBeLessThan(1500);
    // ...and the join starts after one call's latency: two levels on the critical path, not four
    expect(starts[3] - starts[0]).toBeGreaterThanOrEqual(1500);
    expect(starts[3] - starts[0]).toBeLessThan(3000);

    const events = (await api.get(`/api/v1/goals/${goal.id}/events`)).body.items.map(
      (e: { type: string; data: { to?: string } }) => e.data.to ?? e.type,
    );
    expect(events).toContain('PARALLEL_EXECUTING');
    expect(goal.usage.llm_calls).toBe(7);
    expect(goal.usage.by_agent.map((a: { agent: string }) => a.agent)).toEqual([
      'critic',
      'governor',
      'planner',
      'tool_agent',
    ]);
    expect(goal.usage.prompt_tokens).toBeGreaterThan(0);
    expect(goal.usage.cost_usd).toBeGreaterThan(0);
    const tasks = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items;
    expect(
      tasks.every((t: { usage: { prompt_tokens: number } }) => t.usage.prompt_tokens > 0),
    ).toBe(true);
  });

  it('retries a failing task, then succeeds', async () => {
    const M = 'GOAL-RETRY';
    llm.when(is('intent_analyzer', M), intent('SIMPLE'));
    llm.when(is('planner', M), { json: { tasks: [task('only')] } });
    llm.when(is('tool_agent', M), { status: 400, message: 'scripted refusal' }, 2);
    llm.when(is('tool_agent', M), { content: 'third time lucky' });
    llm.when(is('critic', M), passed);

    const { body } = await api.post('/api/v1/goals', {
      goal: `${M}: write a short note about retries`,
    });
    const goal = await finished(body.goal_id);
    expect(goal.status).toBe('completed');
    const [t] = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items;
    expect(t).toMatchObject({
      status: 'completed',
      attempts: 3,
      output: { text: 'third time lucky' },
    });
    expect(t.errors).toHaveLength(2);
    const types = (await api.get(`/api/v1/goals/${goal.id}/events`)).body.items.map(
      (e: { type: string }) => e.type,
    );
    expect(types.filter((x: string) => x === 'task.retrying')).toHaveLength(2);
  });

  it('replans when the critic rejects the result, with the feedback in the new plan request', async () => {
    const M = 'GOAL-REPLAN';
    llm.when(is('intent_analyzer', M), intent('MODERATE'));
    llm.when(is('planner', M), { json: { tasks: [task('draft')] } });
    llm.when(is('tool_agent', M), { content: 'a draft' });
    llm.when(
      is('critic', M),
      {
        json: {
          passed: false,
          score: 0.2,
          feedback: 'cite at least two sources',
          failed_tasks: ['draft'],
        },
      },
      1,
    );
    llm.when(is('critic', M), passed);

    const { body } = await api.post('/api/v1/goals', { goal: `${M}: write a sourced paragraph` });
    const goal = await finished(body.goal_id);
    expect(goal).toMatchObject({ status: 'completed', replan_count: 1, plan_version: 2 });
    const plans = requestsFor('planner', M);
    expect(plans).toHaveLength(2);
    expect(conversationText(plans[1].body)).toContain('cite at least two sources');
    const states = (await api.get(`/api/v1/goals/${goal.id}/events`)).body.items
      .filter((e: { type: string }) => e.type === 'goal.status')
      .map((e: { data: { to: string } }) => e.data.to);
    expect(states).toEqual(
      expect.arrayContaining(['VERIFYING', 'REPLANNING', 'TASK_DECOMPOSITION']),
    );
  });

  it('repairs malformed JSON by retrying with the validation error', async () => {
    const M = 'GOAL-MALFORMED';
    llm.when(is('intent_analyzer', M), { malformed: '{"objective": "x", "complexity": ' }, 1);
    llm.when(
      is('intent_analyzer', M),
      { json: { objective: 'x', capabilities: [], complexity: 'LOUD', risk: 'LOW' } },
      1,
    );
    llm.when(is('intent_analyzer', M), intent('TRIVIAL'));
    llm.when(is('tool_agent', M), { content: 'done' });
    llm.when(is('critic', M), passed);

    const { body } = await api.post('/api/v1/goals', { goal: `${M}: say hello` });
    const goal = await finished(body.goal_id);
    expect(goal.status).toBe('completed');
    const attempts = requestsFor('intent_analyzer', M);
    expect(attempts).toHaveLength(3);
    expect(conversationText(attempts[1].body)).toContain('not valid JSON');
    expect(conversationText(attempts[2].body)).toMatch(/complexity: /);
    // TRIVIAL: a single task, no planner call
    expect(requestsFor('planner', M)).toHaveLength(0);
  });

  it('retries a 429 after Retry-After', async () => {
    const M = 'GOAL-429';
    llm.when(is('intent_analyzer', M), intent('SIMPLE'));
    llm.when(is('planner', M), { status: 429, retryAfterSeconds: 1 }, 1);
    llm.when(is('planner', M), { json: { tasks: [task('one')] } });
    llm.when(is('tool_agent', M), { content: 'ok' });
    llm.when(is('critic', M), passed);

    const { body } = await api.post('/api/v1/goals', { goal: `${M}: list two colours` });
    const goal = await finished(body.goal_id);
    expect(goal.status).toBe('completed');
    const plans = requestsFor('planner', M);
    expect(plans).toHaveLength(2);
    expect(plans[1].receivedAt - plans[0].receivedAt).toBeGreaterThanOrEqual(900);
  });

  it('cancels a running goal', async () => {
    const M = 'GOAL-CANCEL';
    llm.when(is('intent_analyzer', M), intent('SIMPLE'));
    llm.when(is('planner', M), { json: { tasks: [task('slow')] } });
    llm.when(is('tool_agent', M), { content: 'too late', latencyMs: 5000 });
    const { body } = await api.post('/api/v1/goals', { goal: `${M}: take your time` });
    await waitFor(async () => requestsFor('tool_agent', M).length > 0, {
      what: 'the task to start',
    });
    const cancelled = await api.post(`/api/v1/goals/${body.goal_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', state: 'CANCELLED' });
    const [t] = (await api.get(`/api/v1/goals/${body.goal_id}/tasks`)).body.items;
    expect(t.status).toBe('cancelled');
    expect(requestsFor('critic', M)).toHaveLength(0);
  });

  it('fails the goal with a clear reason when the provider stays unreachable past the outage wait, without hanging', async () => {
    const port = await freePort();
    const offline = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
        LLM_API_KEY: 'k',
        LLM_MAX_RETRIES: '2',
        LLM_RETRY_BASE_MS: '20',
        // an unreachable server is an outage the goal waits out, up to this long
        LLM_OUTAGE_MAX_MS: '1500',
        LLM_OUTAGE_PROBE_MS: '100',
      },
    });
    try {
      const client = new ApiClient(offline.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
      const { body } = await client.post('/api/v1/goals', { goal: 'summarise the news' });
      const goal = await waitFor(
        async () => {
          const res = await client.get(`/api/v1/goals/${body.goal_id}`);
          return res.body.status === 'failed' ? res.body : undefined;
        },
        { what: 'the goal to fail', timeoutMs: 30000 },
      );
      expect(goal.state).toBe('FAILED');
      expect(goal.failure_reasons.join(' ')).toMatch(
        /LLM provider openai at http:\/\/127\.0\.0\.1:\d+\/v1 failed after \d+ attempts: unreachable/,
      );
    } finally {
      await offline.stop();
    }
  });
});
