import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  ScriptedReply,
  ScriptedToolCall,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';

/** What a tool call answered, as an MCP client reads it. */
interface ToolAnswer {
  isError: boolean;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  data: any;
}

/** The tool agent plays the scenario named in the goal: one list of calls per turn. */
const SCRIPTS: Record<string, ScriptedToolCall[][]> = {
  approve: [
    [{ name: 'write_file', arguments: { path: 'draft.txt', content: 'old draft' } }],
    [{ name: 'delete_file', arguments: { path: 'draft.txt' } }],
  ],
};

function toolAgent(request: ChatRequestBody): ScriptedReply {
  const scenario = /\[scenario:([a-z-]+)\]/.exec(conversationText(request))?.[1] ?? 'none';
  const script = SCRIPTS[scenario] ?? [];
  const turn = (request.messages ?? []).filter(
    (m) => m.role === 'assistant' && m.tool_calls?.length,
  ).length;
  if (turn < script.length) return { toolCalls: script[turn] };
  return { content: `The village well is fixed (scenario ${scenario} done).` };
}

/**
 * The product as a Model Context Protocol server: an MCP client (the SDK's own, as an IDE
 * would use it) drives goals, approvals and memory through /mcp with an API key, under the
 * same authentication, permissions and tenant rules as the REST API.
 */
describe('MCP server at /mcp (embedded)', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let admin: ApiClient;
  const clients: Client[] = [];

  beforeAll(async () => {
    await llm.start();
    llm.when('[agent-village:intent_analyzer]', {
      json: {
        objective: 'run the scenario',
        capabilities: ['files'],
        complexity: 'TRIVIAL',
        risk: 'LOW',
      },
    });
    llm.when('[agent-village:planner]', {
      json: {
        tasks: [
          {
            key: 't1',
            title: 'Do it',
            description: 'Do the goal.',
            depends_on: [],
            capabilities: [],
          },
        ],
      },
    });
    llm.when('[agent-village:critic]', {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when('[agent-village:tool_agent]', toolAgent);
    app = await startApp({
      env: {
        ...llm.singleAttemptEnv(),
        TASK_RETRY_BASE_MS: '1',
      },
    });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app?.stop();
    await llm.stop();
  });

  async function connect(headers: Record<string, string>): Promise<Client> {
    const client = new Client({ name: 'e2e-ide', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${app.baseUrl}/mcp`), {
        requestInit: { headers },
      }),
    );
    clients.push(client);
    return client;
  }

  async function call(
    client: Client,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolAnswer> {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as Array<{ type: string; text?: string }>;
    return {
      isError: result.isError === true,
      text: content.map((c) => c.text ?? '').join('\n'),
      data: result.structuredContent,
    };
  }

  async function statusOf(client: Client, goalId: string, statuses: string[]) {
    return waitFor(
      async () => {
        const answer = await call(client, 'goal_status', { goal_id: goalId });
        expect(answer.isError).toBe(false);
        return statuses.includes(answer.data.status) ? answer.data : undefined;
      },
      { what: `goal ${goalId} to reach ${statuses.join('/')}`, timeoutMs: 60000 },
    );
  }

  async function createKey(api: ApiClient, scopes: string[]): Promise<string> {
    const res = await api.post('/api/v1/api-keys', { name: 'mcp client', scopes });
    expect(res.status).toBe(201);
    return res.body.key;
  }

  it('lists its five tools with titles, descriptions and input schemas', async () => {
    const client = await connect({ 'x-api-key': TEST_ADMIN_API_KEY });
    expect(client.getServerVersion()).toMatchObject({ name: 'agent-village' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'approve',
      'goal_status',
      'list_goals',
      'memory_search',
      'submit_goal',
    ]);
    for (const tool of tools) {
      expect(tool.title).toEqual(expect.any(String));
      expect(tool.description).toEqual(expect.any(String));
      expect(tool.inputSchema.type).toBe('object');
    }
    const submit = tools.find((t) => t.name === 'submit_goal')!;
    expect(submit.inputSchema.required).toEqual(['goal']);
    expect(submit.outputSchema?.properties).toHaveProperty('goal_id');
  });

  it('submits a goal, follows it to completion with its result and tasks, and lists it', async () => {
    const client = await connect({ authorization: `Bearer ${TEST_ADMIN_API_KEY}` });
    const submitted = await call(client, 'submit_goal', {
      goal: 'Tell me whether the village well works',
      priority: 7,
      metadata: { ticket: 'MCP-1' },
    });
    expect(submitted.isError).toBe(false);
    expect(submitted.data).toEqual({ goal_id: expect.any(String), status: 'queued' });
    expect(JSON.parse(submitted.text)).toEqual(submitted.data);
    const goalId = submitted.data.goal_id;

    const done = await statusOf(client, goalId, ['completed', 'failed', 'cancelled']);
    expect(done).toMatchObject({ goal_id: goalId, status: 'completed', state: 'COMPLETED' });
    expect(done.result).not.toBeNull();
    expect(done.tasks.length).toBeGreaterThan(0);
    for (const task of done.tasks) expect(task.status).toBe('completed');
    expect(done.pending_approvals).toEqual([]);

    const rest = await admin.get(`/api/v1/goals/${goalId}`);
    expect(rest.body).toMatchObject({ priority: 7, metadata: { ticket: 'MCP-1' } });

    const listed = await call(client, 'list_goals', { status: 'completed', limit: 50 });
    expect(listed.isError).toBe(false);
    expect(listed.data.goals).toContainEqual(
      expect.objectContaining({ id: goalId, status: 'completed' }),
    );
    const queued = await call(client, 'list_goals', { status: 'queued' });
    expect(queued.data.goals.map((g: { id: string }) => g.id)).not.toContain(goalId);

    const audited = await waitFor(
      async () => {
        const res = await admin.get('/api/v1/audit?event_type=mcp.request&limit=100');
        return res.body.items.find(
          (e: { details: { body?: { params?: { name?: string } } } }) =>
            e.details.body?.params?.name === 'submit_goal',
        );
      },
      { what: 'the audit entry of the MCP submission', timeoutMs: 15000 },
    );
    expect(audited).toMatchObject({
      outcome: 'SUCCESS',
      resource: { type: 'mcp' },
      actor: { type: 'service' },
    });
  });

  it('answers memory_search with the memories similar to the query', async () => {
    const stored = await admin.post('/api/v1/memory', {
      type: 'semantic',
      content: 'The lighthouse keeper rings the harbour bell at dawn',
    });
    expect(stored.status).toBe(201);
    const client = await connect({ 'x-api-key': TEST_ADMIN_API_KEY });
    const found = await call(client, 'memory_search', {
      query: 'lighthouse keeper harbour bell',
      limit: 5,
    });
    expect(found.isError).toBe(false);
    expect(found.data.memories[0]).toMatchObject({
      id: stored.body.id,
      content: 'The lighthouse keeper rings the harbour bell at dawn',
      similarity: expect.any(Number),
    });
  });

  it('lets a held action be approved through `approve`, after which the goal completes', async () => {
    const client = await connect({ 'x-api-key': TEST_ADMIN_API_KEY });
    const submitted = await call(client, 'submit_goal', {
      goal: 'Tidy the workspace [scenario:approve]',
    });
    const goalId = submitted.data.goal_id;
    const waiting = await statusOf(client, goalId, ['awaiting_approval', 'completed', 'failed']);
    expect(waiting.status).toBe('awaiting_approval');
    expect(waiting.pending_approvals).toEqual([
      expect.objectContaining({ tool: 'delete_file', categories: ['delete'] }),
    ]);
    const approvalId = waiting.pending_approvals[0].approval_id;

    const decided = await call(client, 'approve', {
      approval_id: approvalId,
      decision: 'approve',
      comment: 'a draft may go',
    });
    expect(decided.isError).toBe(false);
    expect(decided.data.approval).toMatchObject({
      id: approvalId,
      status: 'approved',
      comment: 'a draft may go',
      decided_by_kind: 'api_key',
    });

    const done = await statusOf(client, goalId, ['completed', 'failed', 'cancelled']);
    expect(done.status).toBe('completed');
    const again = await call(client, 'approve', { approval_id: approvalId, decision: 'approve' });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already decided/i);
  });

  it('refuses bad arguments with the validation error naming the argument', async () => {
    const client = await connect({ 'x-api-key': TEST_ADMIN_API_KEY });
    const badId = await call(client, 'goal_status', { goal_id: 'not-a-goal' });
    expect(badId.isError).toBe(true);
    expect(badId.text).toMatch(/Input validation error/);
    expect(badId.text).toMatch(/goal_id/);
    const badPriority = await call(client, 'submit_goal', { goal: 'x', priority: 11 });
    expect(badPriority.isError).toBe(true);
    expect(badPriority.text).toMatch(/priority/);
    const badDecision = await call(client, 'approve', {
      approval_id: '0190f0c4-0000-7000-8000-000000000000',
      decision: 'maybe',
    });
    expect(badDecision.isError).toBe(true);
    expect(badDecision.text).toMatch(/decision/);
  });

  it('answers 401 without credentials, and 401 to a wrong key', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'anonymous', version: '1' },
      },
    };
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const anonymous = await fetch(`${app.baseUrl}/mcp`, {
      method: 'POST',
      headers,
      body: JSON.stringify(initialize),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrongKey = await fetch(`${app.baseUrl}/mcp`, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': `ak_7e57ad000000_${'x'.repeat(43)}` },
      body: JSON.stringify(initialize),
    });
    expect(wrongKey.status).toBe(401);
    await expect(connect({})).rejects.toThrow(/401|Unauthorized/i);
  });

  it('refuses a read-only key the tools it lacks the permission for, naming it', async () => {
    const goal = await admin.post('/api/v1/goals', { goal: 'Say hello' });
    const reader = await connect({ 'x-api-key': await createKey(admin, ['read:goals']) });
    const refused = await call(reader, 'submit_goal', { goal: 'Write a poem' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('goal:create');
    expect(refused.data).toBeUndefined();
    const memory = await call(reader, 'memory_search', { query: 'lighthouse' });
    expect(memory.isError).toBe(true);
    expect(memory.text).toContain('memory:read');
    const approve = await call(reader, 'approve', {
      approval_id: '0190f0c4-0000-7000-8000-000000000000',
      decision: 'approve',
    });
    expect(approve.isError).toBe(true);
    expect(approve.text).toContain('goal:approve');
    const read = await call(reader, 'goal_status', { goal_id: goal.body.goal_id });
    expect(read.isError).toBe(false);
    expect(read.data.goal_id).toBe(goal.body.goal_id);
  });

  it("keeps tenants apart: a key of tenant B finds none of tenant A's goals", async () => {
    const goalA = (await admin.post('/api/v1/goals', { goal: 'Count the sheep' })).body.goal_id;
    const tenant = await admin.post('/api/v1/tenants', {
      slug: 'mcp-other',
      name: 'MCP Other',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    const otherKey = await createKey(admin.inTenant(tenant.body.id), ['admin:full']);
    const other = await connect({ 'x-api-key': otherKey });

    const read = await call(other, 'goal_status', { goal_id: goalA });
    expect(read.isError).toBe(true);
    expect(read.text).toMatch(/not found/i);
    expect(read.text).not.toContain('Count the sheep');
    const listed = await call(other, 'list_goals', {});
    expect(listed.data.goals.map((g: { id: string }) => g.id)).not.toContain(goalA);

    const own = await call(other, 'submit_goal', { goal: 'Count the goats' });
    expect(own.isError).toBe(false);
    const mine = await call(other, 'list_goals', {});
    expect(mine.data.goals.map((g: { id: string }) => g.id)).toEqual([own.data.goal_id]);
    const fromA = await connect({ 'x-api-key': TEST_ADMIN_API_KEY });
    const foreign = await call(fromA, 'goal_status', { goal_id: own.data.goal_id });
    expect(foreign.isError).toBe(true);
  });
});
