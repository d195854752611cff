import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- e2e bodies are asserted field by field */

/**
 * Answers a schema allows but a planner would not expect: every goal ends COMPLETED, or
 * FAILED with a reason, never stuck. The server is strict (answers only through the
 * channel the request used); each goal's `{case:X}` tag picks the scripted answers.
 */
function roleOf(request: ChatRequestBody): string | undefined {
  return /\[agent-village:([a-z_]+)\]/.exec(conversationText(request))?.[1];
}
function caseOf(request: ChatRequestBody): string | undefined {
  return /\{case:([a-z-]+)\}/.exec(conversationText(request))?.[1];
}
const is = (role: string, name: string) => (r: ChatRequestBody) =>
  roleOf(r) === role && caseOf(r) === name;
const task = (key: string, depends_on: string[] = [], capabilities: string[] = []) => ({
  key,
  title: `do ${key.trim() || 'it'}`.slice(0, 100),
  description: 'Do this part of the work.',
  depends_on,
  capabilities,
  acceptance_criteria: null,
});
const LONG_KEY = `${'step '.repeat(40)}end`;

describe('structured answers that are valid but unusual (strict server)', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  async function run(name: string, goal: string): Promise<{ goal: any; log: any[] }> {
    const res = await api.post('/api/v1/goals', { goal: `${goal} {case:${name}}` });
    expect(res.status).toBe(202);
    const done = await waitFor(
      async () => {
        const r = await api.get(`/api/v1/goals/${res.body.goal_id}`);
        return ['completed', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
      },
      { what: `goal ${name} to finish`, timeoutMs: 60000 },
    );
    const log = (await api.get(`/api/v1/goals/${done.id}/events?limit=1000`)).body.items;
    return { goal: done, log };
  }
  const plannerCalls = (name: string) =>
    server.chatRequests().filter((r) => is('planner', name)(r.body));

  beforeAll(async () => {
    await server.start();
    server.strict = true;
    const intent = (complexity: string, capabilities: string[] = []) => ({
      json: { objective: 'the goal', capabilities, complexity, risk: 'LOW' },
    });
    server.when(
      (r) => roleOf(r) === 'intent_analyzer',
      (r) =>
        caseOf(r) === 'trivial-steps'
          ? intent('TRIVIAL')
          : ['one-task', 'empty-division'].includes(caseOf(r) ?? '')
            ? intent('COMPLEX', ['writing'])
            : intent('SIMPLE'),
    );
    server.when(is('planner', 'keys'), {
      json: {
        tasks: [
          task(''),
          task('  research  ', ['']),
          task('write: the/report ✓', ['  research  ']),
          task(LONG_KEY, ['write: the/report ✓']),
        ],
      },
    });
    server.when(is('planner', 'trivial-steps'), {
      json: { tasks: [task('collect'), task('add', ['collect']), task('report', ['add'])] },
    });
    server.when(is('planner', 'cycle'), {
      json: { tasks: [task('a', ['b']), task('b', ['a'])] },
    });
    server.when(is('planner', 'one-task'), { json: { tasks: [task('only')] } });
    server.when(is('planner', 'empty-division'), { json: { tasks: [task('whole')] } });
    server.when(is('swarm_coordinator', 'one-task'), {
      json: {
        units: [
          { key: 'u1', instruction: 'first half' },
          { key: 'u2', instruction: 'second half' },
        ],
        aggregation: 'merge',
      },
    });
    server.when(is('swarm_coordinator', 'empty-division'), {
      json: { units: [], aggregation: 'merge' },
    });
    server.when(is('critic', 'unknown-failed'), {
      json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: ['t9', 'ghost'] },
    });
    // anything not scripted: an instance of the schema the request sent (one task, one
    // unit...) or prose
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: server.baseUrl,
        LLM_API_KEY: 'test-key',
        LLM_RETRY_BASE_MS: '1',
        TASK_RETRY_BASE_MS: '1',
        MAX_REPLANS: '1',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it('task keys that are any strings: tidied, dependencies following them', async () => {
    const { goal, log } = await run('keys', 'Write a report');
    expect(goal.status).toBe('completed');
    const plan = log.find((e) => e.type === 'plan.created').data.tasks;
    const long = LONG_KEY.slice(0, 80);
    expect(plan).toEqual([
      { key: 'task-1', title: 'do it', depends_on: [] },
      { key: 'research', title: 'do research', depends_on: ['task-1'] },
      { key: 'write: the/report ✓', title: 'do write: the/report ✓', depends_on: ['research'] },
      { key: long, title: expect.any(String), depends_on: ['write: the/report ✓'] },
    ]);
    expect(Object.keys(goal.result.outputs).sort()).toEqual(
      ['task-1', 'research', 'write: the/report ✓', long].sort(),
    );
  });

  it('a passing verdict that names tasks the plan does not have: ignored and recorded', async () => {
    const { goal, log } = await run('unknown-failed', 'Write a summary');
    expect(goal.status).toBe('completed');
    expect(log.find((e) => e.type === 'critic.verdict').data).toMatchObject({
      passed: true,
      failed_tasks: [],
      ignored_failed_tasks: ['t9', 'ghost'],
    });
  });

  it('empty capability lists in the intent and the plan', async () => {
    const { goal, log } = await run('no-capabilities', 'Write a limerick');
    expect(goal.status).toBe('completed');
    expect(log.find((e) => e.type === 'goal.intent').data.capabilities).toEqual([]);
    const [t] = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items;
    expect(t.capabilities).toEqual([]);
    expect(t.status).toBe('completed');
  });

  it('TRIVIAL for a goal that plainly lists several steps: the planner still plans it', async () => {
    const { goal, log } = await run(
      'trivial-steps',
      '1. collect the numbers\n2. add them up\n3. report the sum',
    );
    expect(goal).toMatchObject({ status: 'completed', complexity: 'TRIVIAL' });
    expect(plannerCalls('trivial-steps')).toHaveLength(1);
    expect(log.find((e) => e.type === 'plan.created').data.tasks.map((t: any) => t.key)).toEqual([
      'collect',
      'add',
      'report',
    ]);
  });

  it('a plan of one task in the swarm pattern: the task is divided among workers', async () => {
    const { goal, log } = await run('one-task', 'Write two paragraphs');
    expect(goal).toMatchObject({ status: 'completed', pattern: 'swarm' });
    expect(log.find((e) => e.type === 'swarm.started').data).toMatchObject({ units: 2 });
  });

  it('an empty swarm division: the task runs whole, as one unit', async () => {
    const { goal, log } = await run('empty-division', 'Write one paragraph');
    expect(goal).toMatchObject({ status: 'completed', pattern: 'swarm' });
    expect(log.find((e) => e.type === 'swarm.started').data).toMatchObject({
      units: 1,
      undivided: true,
    });
  });

  it('a plan whose dependencies form a cycle goes back with the reason, then fails with it', async () => {
    const { goal } = await run('cycle', 'Write a plan');
    expect(goal.status).toBe('failed');
    expect(goal.failure_reasons.join(' ')).toMatch(/TASK_DECOMPOSITION: .*form a cycle/);
    const calls = plannerCalls('cycle');
    expect(calls).toHaveLength(3); // LLM_STRUCTURED_RETRIES=2: the first answer and two repairs
    expect(conversationText(calls[1].body)).toMatch(/Your reply was invalid: .*cycle/);
  });
});
