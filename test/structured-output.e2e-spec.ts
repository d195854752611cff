import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  RecordedRequest,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';

/* eslint-disable @typescript-eslint/no-explicit-any -- e2e bodies are asserted field by field */

/**
 * Structured output through each provider's native channel, against scripted servers that
 * behave like guided decoders (strict mode): they answer a structured request only through
 * the channel it used, with an instance of the schema it sent, and prose to anything else.
 */
const STRUCTURED_ROLES = ['intent_analyzer', 'planner', 'swarm_coordinator', 'critic'];
const FEEDBACK = 'The chapter has no checklist. End every chapter with a checklist.';

function roleOf(request: ChatRequestBody): string | undefined {
  return /\[agent-village:([a-z_]+)\]/.exec(conversationText(request))?.[1];
}
function tag(request: ChatRequestBody, name: string): string | undefined {
  return new RegExp(`\\{${name}:([^}]*)\\}`).exec(conversationText(request))?.[1];
}
const isRole = (role: string) => (r: ChatRequestBody) => roleOf(r) === role;

async function finished(api: ApiClient, id: string): Promise<any> {
  return waitFor(
    async () => {
      const res = await api.get(`/api/v1/goals/${id}`);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
    },
    { what: `goal ${id} to finish`, timeoutMs: 90000 },
  );
}

async function events(api: ApiClient, id: string): Promise<any[]> {
  return (await api.get(`/api/v1/goals/${id}/events?limit=1000`)).body.items;
}

async function submit(api: ApiClient, goal: string): Promise<any> {
  const res = await api.post('/api/v1/goals', { goal });
  expect(res.status).toBe(202);
  return finished(api, res.body.goal_id);
}

/** A repair round: a structured request that carries the reason of an earlier invalid answer. */
function isRepair(request: RecordedRequest): boolean {
  return /Your reply was invalid|Invalid arguments/.test(conversationText(request.body));
}

/**
 * The intent comes from the goal's `{complexity:X}` tag with an empty capability list; the
 * plan is two chained tasks with keys a model might write; the swarm division and the
 * critic's verdict are generated from the schemas sent, except that the critic rejects a
 * plan without the checklist the earlier lessons ask for.
 */
function script(server: ScriptedLlmServer): void {
  server.strict = true;
  server.instanceOptions = {
    arrayLength: (path) => (path === 'units' ? 2 : undefined),
  };
  server.when(isRole('intent_analyzer'), (r) => ({
    json: {
      objective: 'write the chapter',
      capabilities: [],
      complexity: tag(r, 'complexity') ?? 'SIMPLE',
      risk: 'LOW',
    },
  }));
  server.when(isRole('planner'), (r) => {
    const checklist = conversationText(r).includes('checklist');
    const criteria = checklist ? 'the chapter ends with a checklist' : 'the chapter is written';
    return {
      json: {
        tasks: [
          {
            key: 'Step 1: outline',
            title: 'Outline the chapter',
            description: 'List the sections.',
            depends_on: [],
            capabilities: [],
            acceptance_criteria: criteria,
          },
          {
            key: 'Step 2: write',
            title: 'Write the chapter',
            description: 'Write each section.',
            depends_on: ['Step 1: outline'],
            capabilities: ['writing'],
            acceptance_criteria: criteria,
          },
        ],
      },
    };
  });
  server.when(
    (r) => isRole('critic')(r) && !conversationText(r).includes('checklist'),
    (_r, context) => ({
      json: { ...(context.generated() as object), passed: false, score: 0.2, feedback: FEEDBACK },
    }),
  );
  server.when(isRole('tool_agent'), { content: 'The chapter, with its sections.' });
}

describe.each([
  ['embedded (PGlite, in-process queue)', false],
  ['production (PostgreSQL + BullMQ)', true],
])('a guided-decoding server drives every pattern: %s', (_mode, production) => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    await server.start();
    script(server);
    db = production ? await createPostgresDatabase() : undefined;
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: server.baseUrl,
        LLM_MODEL: 'gpt-4o-mini',
        LLM_API_KEY: 'test-key',
        LLM_RETRY_BASE_MS: '1',
        TASK_RETRY_BASE_MS: '1',
        MAX_REPLANS: '0',
        // every goal is planned by the planner: no stored procedure replaces the call
        MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
        // the lesson stays among the recalled memories as the pattern goals add their own
        MEMORY_RECALL_K: '30',
        ...(db
          ? { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: uniqueQueuePrefix() }
          : {}),
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
    await db?.drop();
  });

  it('completes a goal in each pattern with memory recall, the critic and the evolver, every structured call answered natively at the first attempt', async () => {
    // history: two goals the critic rejects for the same reason leave lessons, and the
    // evolver proposes a variant from them
    // (unrelated goals: the second must not recall the first one's lesson)
    for (const text of ['Plan a team offsite in Lisbon', 'Prepare onboarding for new engineers']) {
      const goal = await submit(api, text);
      expect(goal.status).toBe('failed');
    }
    await waitFor(
      async () => {
        const res = await api.get(
          `/api/v1/memory/search?q=${encodeURIComponent(FEEDBACK)}&type=strategic&k=10`,
        );
        const lessons = res.body.items.filter(
          (h: any) => h.memory.metadata.outcome === 'rejected by the critic',
        );
        return lessons.length >= 2 || undefined;
      },
      { what: 'two lessons' },
    );
    const evolution = await api.post('/api/v1/evolution/run');
    expect(evolution.body.proposals.length).toBeGreaterThan(0);

    const patterns = {
      SIMPLE: 'single',
      MODERATE: 'council',
      COMPLEX: 'swarm',
      STRATEGIC: 'market',
    } as const;
    for (const [complexity, pattern] of Object.entries(patterns)) {
      const before = server.chatRequests().length;
      const goal = await submit(
        api,
        `Prepare onboarding for new engineers of the ${pattern} team {complexity:${complexity}}`,
      );
      expect({ pattern, status: goal.status, reasons: goal.failure_reasons }).toEqual({
        pattern,
        status: 'completed',
        reasons: [],
      });
      expect(goal.pattern).toBe(pattern);
      const log = await events(api, goal.id);
      const types = log.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['evolution.assigned', 'critic.verdict']));
      const retrieved = log.find((e) => e.type === 'memory.retrieved');
      expect(retrieved.data.lessons).toContain(FEEDBACK);
      expect(log.find((e) => e.type === 'plan.created').data.tasks.map((t: any) => t.key)).toEqual([
        'Step 1: outline',
        'Step 2: write',
      ]);
      if (pattern === 'swarm')
        expect(log.filter((e) => e.type === 'swarm.started').map((e) => e.data.units)).toEqual([
          2, 2,
        ]);

      const calls = server.chatRequests().slice(before);
      const structured = calls.filter((r) => STRUCTURED_ROLES.includes(roleOf(r.body) ?? ''));
      expect(structured.map((r) => roleOf(r.body))).toEqual(
        expect.arrayContaining(['intent_analyzer', 'planner', 'critic']),
      );
      if (pattern === 'swarm')
        expect(structured.filter((r) => roleOf(r.body) === 'swarm_coordinator')).toHaveLength(2);
      for (const request of structured) {
        expect(request.structured?.channel).toBe('response_format');
        expect(request.body.response_format).toMatchObject({
          type: 'json_schema',
          json_schema: { name: expect.any(String), strict: true, schema: { type: 'object' } },
        });
        expect(isRepair(request)).toBe(false);
      }
      // the schema travels in its channel, not in the prompt text
      expect(structured.some((r) => conversationText(r.body).includes('JSON schema'))).toBe(false);
    }

    const ready = await api.get('/health/ready');
    expect(ready.body.llm).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      structured_output: { mode: 'auto', channel: 'json_schema', fallbacks: [] },
    });
  });
});

describe('a server that refuses json_schema', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await server.start();
    script(server);
    server.refuseJsonSchema = true;
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: server.baseUrl,
        LLM_MODEL: 'local-model',
        LLM_API_KEY: 'test-key',
        LLM_RETRY_BASE_MS: '1',
        TASK_RETRY_BASE_MS: '1',
        MEMORY_PROCEDURE_MIN_SIMILARITY: '1',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it('falls back to a forced function call, remembers it, says so once and in readiness', async () => {
    for (const topic of ['billing', 'shipping']) {
      const goal = await submit(
        api,
        `Write the ${topic} chapter with a checklist {complexity:SIMPLE}`,
      );
      expect(goal.status).toBe('completed');
    }
    const structured = server
      .chatRequests()
      .filter((r) => STRUCTURED_ROLES.includes(roleOf(r.body) ?? ''));
    // one refused request, then every structured call through the forced function
    expect(structured[0].structured?.channel).toBe('response_format');
    expect(structured.slice(1).map((r) => r.structured?.channel)).toEqual(
      structured.slice(1).map(() => 'tool_choice'),
    );
    expect(structured).toHaveLength(7); // one refused, then intent, plan and verdict twice
    for (const request of structured.slice(1)) {
      expect(request.body.tool_choice).toEqual({
        type: 'function',
        function: { name: request.structured?.name },
      });
      expect(request.body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          function: expect.objectContaining({ strict: true }),
        }),
      ]);
      expect(isRepair(request)).toBe(false);
    }
    expect(app.output().match(/refused structured output/g)).toHaveLength(1);
    const ready = await api.get('/health/ready');
    expect(ready.body.llm.structured_output).toMatchObject({
      mode: 'auto',
      channel: 'tool',
      fallbacks: [
        {
          from: 'json_schema',
          to: 'tool',
          reason: expect.stringContaining("response_format of type 'json_schema'"),
        },
      ],
    });
  });
});

describe('LLM_STRUCTURED_MODE=prompt', () => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await server.start();
    // a server without guided decoding that follows the prompt text
    const followsPrompt = (r: ChatRequestBody) =>
      conversationText(r).includes('matching this JSON schema');
    server.when((r) => isRole('intent_analyzer')(r) && followsPrompt(r), {
      json: { objective: 'x', capabilities: ['writing'], complexity: 'SIMPLE', risk: 'LOW' },
    });
    server.when((r) => isRole('planner')(r) && followsPrompt(r), {
      json: { tasks: [{ key: 't1', title: 'Write', description: 'Write it.', depends_on: [] }] },
    });
    server.when((r) => isRole('critic')(r) && followsPrompt(r), {
      json: { passed: true, score: 0.9, feedback: 'fine', failed_tasks: [] },
    });
    server.otherwise({ content: 'Some prose.' });
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: server.baseUrl,
        LLM_API_KEY: 'test-key',
        LLM_STRUCTURED_MODE: 'prompt',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it('asks in the prompt text only, and the goal completes', async () => {
    const goal = await submit(api, 'Write a note about the prompt channel');
    expect(goal.status).toBe('completed');
    const structured = server
      .chatRequests()
      .filter((r) => STRUCTURED_ROLES.includes(roleOf(r.body) ?? ''));
    expect(structured.length).toBe(3);
    for (const request of structured) {
      expect(request.structured).toBeUndefined();
      expect(request.body.response_format).toBeUndefined();
      expect(request.body.tool_choice).toBeUndefined();
    }
    expect((await api.get('/health/ready')).body.llm.structured_output).toMatchObject({
      mode: 'prompt',
      channel: 'prompt',
    });
  });
});

describe.each([
  ['anthropic', 'tool_use'],
  ['ollama', 'format'],
])('a goal through the scripted %s endpoint', (provider, channel) => {
  const server = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await server.start();
    script(server);
    app = await startApp({
      env: {
        LLM_PROVIDER: provider,
        LLM_BASE_URL: server.rootUrl,
        LLM_MODEL: 'scripted-model',
        LLM_API_KEY: 'test-key',
        LLM_RETRY_BASE_MS: '1',
        TASK_RETRY_BASE_MS: '1',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await server.stop();
  });

  it(`completes, every structured request carrying its schema as ${channel}`, async () => {
    const goal = await submit(api, 'Write the chapter with a checklist {complexity:MODERATE}');
    expect(goal.status).toBe('completed');
    expect(goal.usage.prompt_tokens).toBeGreaterThan(0);
    const calls = server.chatRequests();
    expect(calls.every((r) => r.api === provider)).toBe(true);
    const structured = calls.filter((r) => STRUCTURED_ROLES.includes(roleOf(r.body) ?? ''));
    expect(structured.length).toBeGreaterThanOrEqual(3);
    for (const request of structured) {
      expect(request.structured?.channel).toBe(channel);
      if (provider === 'anthropic') {
        const name = request.structured?.name;
        expect(request.body.tool_choice).toEqual({ type: 'tool', name });
        expect(request.body.tools).toEqual([
          expect.objectContaining({
            name,
            input_schema: expect.objectContaining({ type: 'object' }),
          }),
        ]);
      } else
        expect(request.body.format).toMatchObject({
          type: 'object',
          additionalProperties: false,
        });
      expect(isRepair(request)).toBe(false);
    }
  });
});
