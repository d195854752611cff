import { join } from 'node:path';
import { existsSync } from 'node:fs';
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
import { type HttpShoutServer, startHttpShoutServer } from './fixtures/mcp/http-shout-server';
import { Principals } from './support/principals';

/**
 * MCP servers as tool sources, end to end: a tenant administrator registers a stdio server
 * (run in the bubblewrap sandbox) and a Streamable HTTP server; their tools join that
 * tenant's registry only, and a scripted model calls them through the same validation,
 * safety gate and approvals as the built-in tools.
 */
type Script = ScriptedToolCall[][];

const BWRAP = '/usr/bin/bwrap';
const scripts = new Map<string, Script>();

/** The tool agent plays the scenario named in the goal: one list of calls per turn. */
function toolAgent(request: ChatRequestBody): ScriptedReply {
  const text = conversationText(request);
  const scenario = /\[scenario:([a-z-]+)\]/.exec(text)?.[1] ?? 'none';
  const script = scripts.get(scenario) ?? [];
  const turn = (request.messages ?? []).filter(
    (m) => m.role === 'assistant' && m.tool_calls?.length,
  ).length;
  if (turn < script.length) return { toolCalls: script[turn] };
  return { content: `scenario ${scenario} done` };
}

interface ToolCall {
  tool: string;
  ok: boolean;
  result?: { text?: string };
  error?: string;
}

describe('MCP servers as tool sources', () => {
  const llm = new ScriptedLlmServer();
  let web: HttpShoutServer;
  let app: AppProcess;
  let api: ApiClient;
  let principals: Principals;

  beforeAll(async () => {
    if (!existsSync(BWRAP))
      throw new Error(
        `bubblewrap is missing (${BWRAP}): stdio MCP servers run only inside it, so this suite cannot run. Install it with scripts/install-system-deps.sh (CI has it).`,
      );
    web = await startHttpShoutServer();
    await llm.start();
    llm.when('[agent-village:intent_analyzer]', {
      json: { objective: 'run the scenario', capabilities: [], complexity: 'TRIVIAL', risk: 'LOW' },
    });
    llm.when('[agent-village:critic]', {
      json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] },
    });
    llm.when('[agent-village:tool_agent]', toolAgent);
    app = await startApp({
      env: {
        ...llm.singleAttemptEnv(),
        TASK_RETRY_BASE_MS: '1',
        MCP_ALLOW_HOSTS: '127.0.0.1',
        MCP_CALL_TIMEOUT_MS: '10000',
        MCP_WORKING_DIRS: process.cwd(),
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(new ApiClient(app.baseUrl), api);
  });

  afterAll(async () => {
    await app?.stop();
    await llm.stop();
    await web?.close();
  });

  async function finished(id: string, states = ['completed', 'failed', 'cancelled']) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return states.includes(res.body.status) ? res.body : undefined;
      },
      { what: `goal ${id} to reach ${states.join('/')}`, timeoutMs: 60000 },
    );
  }

  async function toolCalls(id: string): Promise<ToolCall[]> {
    const tasks = await api.get(`/api/v1/goals/${id}/tasks`);
    return tasks.body.items.flatMap(
      (t: { output: { tool_calls?: ToolCall[] } | null }) => t.output?.tool_calls ?? [],
    );
  }

  const lowRisk = { permission: 'READ_ONLY', risk: 'LOW', requires_approval: false };
  const stdioServer = () => ({
    name: 'stdio',
    transport: 'stdio',
    command: 'node',
    args: ['test/fixtures/mcp/shout-server.js'],
    working_dir: process.cwd(),
    env: { GREETING: 'hello from the admin' },
    tool_overrides: { shout: lowRisk, whoami: lowRisk },
  });
  const webServer = () => ({
    name: 'web',
    transport: 'http',
    url: web.url,
    headers: { Authorization: 'Bearer s3cret-token' },
    tool_overrides: { shout: lowRisk, whoami: lowRisk },
  });

  it('lets a tenant admin register both servers, never showing their secrets', async () => {
    const stdio = await api.post('/api/v1/mcp/servers', stdioServer());
    expect(stdio.status).toBe(201);
    expect(stdio.body).toMatchObject({
      name: 'stdio',
      transport: 'stdio',
      env_names: ['GREETING'],
      default_permission: 'EXECUTE',
      default_risk: 'HIGH',
      default_requires_approval: true,
      enabled: true,
    });
    const http = await api.post('/api/v1/mcp/servers', webServer());
    expect(http.status).toBe(201);
    expect(http.body).toMatchObject({ transport: 'http', header_names: ['Authorization'] });

    const listed = await api.get('/api/v1/mcp/servers');
    expect(listed.body.items.map((s: { name: string }) => s.name)).toEqual(['stdio', 'web']);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain('s3cret-token');
    expect(text).not.toContain('hello from the admin');

    const refreshed = await api.post(`/api/v1/mcp/servers/${stdio.body.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ status: 'CONNECTED', error: null });
    expect(refreshed.body.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'shout', tool: 'mcp__stdio__shout', read_only: false }),
        expect.objectContaining({ name: 'whoami', tool: 'mcp__stdio__whoami', read_only: true }),
      ]),
    );
    const webRefreshed = await api.post(`/api/v1/mcp/servers/${http.body.id}/refresh`);
    expect(webRefreshed.body).toMatchObject({ status: 'CONNECTED' });
    expect(web.headers.at(-1)?.authorization).toBe('Bearer s3cret-token');

    expect((await api.post('/api/v1/mcp/servers', stdioServer())).status).toBe(409);
  });

  it('refuses bad settings with 400 naming the field, and non-admins with 403', async () => {
    const bad = await api.post('/api/v1/mcp/servers', {
      name: 'has spaces',
      transport: 'ftp',
      colour: 'blue',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'transport', 'colour']));

    const internal = await api.post('/api/v1/mcp/servers', {
      name: 'internal',
      transport: 'http',
      url: 'http://10.0.0.5/mcp',
    });
    expect(internal.status).toBe(400);
    expect(internal.body.errors).toEqual([
      expect.objectContaining({ field: 'url', message: expect.stringMatching(/https/) }),
    ]);
    const noCommand = await api.post('/api/v1/mcp/servers', { name: 'x', transport: 'stdio' });
    expect(noCommand.body.errors).toEqual([expect.objectContaining({ field: 'command' })]);
    // a host directory outside MCP_WORKING_DIRS is never mounted into the sandbox
    for (const dir of ['/etc', '/', join(process.cwd(), '..')]) {
      const outside = await api.post('/api/v1/mcp/servers', { ...stdioServer(), working_dir: dir });
      expect(outside.status).toBe(400);
      expect(outside.body.errors).toEqual([
        { field: 'working_dir', message: `must be inside ${process.cwd()} (MCP_WORKING_DIRS)` },
      ]);
    }

    const operator = await principals.signedIn('operator@mcp.test', 'operator');
    expect((await operator.client.get('/api/v1/mcp/servers')).status).toBe(403);
    expect((await operator.client.post('/api/v1/mcp/servers', webServer())).status).toBe(403);
  });

  it("lists the servers' tools in the tenant's registry, and only there", async () => {
    const tools = await api.get('/api/v1/tools');
    const byName = Object.fromEntries(
      tools.body.items.map((t: { name: string }) => [t.name, t]),
    ) as Record<string, Record<string, unknown>>;
    expect(byName.mcp__stdio__shout).toMatchObject({
      permission: 'READ_ONLY',
      risk: 'LOW',
      requires_approval: false,
      has_side_effects: true,
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    expect(byName.mcp__stdio__whoami).toMatchObject({ has_side_effects: false });
    expect(byName.mcp__web__shout).toMatchObject({ risk: 'LOW' });

    const other = await api.post('/api/v1/tenants', { slug: 'mcp-other', name: 'Other' });
    expect(other.status).toBe(201);
    const theirs = await api.inTenant(other.body.id).get('/api/v1/tools');
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.some((t: { name: string }) => t.name.startsWith('mcp__'))).toBe(false);
    expect((await api.inTenant(other.body.id).get('/api/v1/mcp/servers')).body.items).toEqual([]);
  });

  it("runs a goal whose agent calls both servers' tools; the stdio one is sandboxed", async () => {
    scripts.set('both', [
      [
        { name: 'mcp__stdio__shout', arguments: { text: 'hello' } },
        { name: 'mcp__web__shout', arguments: { text: 'world' } },
        { name: 'mcp__stdio__whoami', arguments: {} },
        { name: 'mcp__web__shout', arguments: { text: 42 } },
      ],
    ]);
    const submitted = await api.post('/api/v1/goals', { goal: 'Shout twice [scenario:both]' });
    const goal = await finished(submitted.body.goal_id);
    expect(goal.status).toBe('completed');
    const [stdio, http, whoami, invalid] = await toolCalls(goal.id);
    expect(stdio).toMatchObject({
      tool: 'mcp__stdio__shout',
      ok: true,
      result: { text: 'HELLO!' },
    });
    expect(http).toMatchObject({ tool: 'mcp__web__shout', ok: true, result: { text: 'WORLD!' } });
    const identity = JSON.parse(whoami.result!.text!) as {
      uid: number;
      env: string[];
      greeting: string;
    };
    expect(identity.greeting).toBe('hello from the admin');
    expect(identity.uid).not.toBe(0);
    for (const hostSecret of ['WEBHOOK_ENCRYPTION_KEY', 'OAUTH_ENCRYPTION_KEY', 'LLM_BASE_URL'])
      expect(identity.env).not.toContain(hostSecret);
    expect(invalid).toMatchObject({
      ok: false,
      error: expect.stringMatching(/invalid arguments for mcp__web__shout: text/),
    });
    expect(web.calls.filter((c) => c.tool === 'shout').map((c) => c.args.text)).toEqual(['world']);
  });

  it('refuses a call the safety gate blocks before the server sees it; a tool error fails the call', async () => {
    const before = web.calls.length;
    scripts.set('blocked', [
      [
        { name: 'mcp__web__shout', arguments: { text: 'rm -rf /' } },
        { name: 'mcp__web__shout', arguments: { text: 'fail' } },
      ],
    ]);
    const submitted = await api.post('/api/v1/goals', { goal: 'Try it [scenario:blocked]' });
    const goal = await finished(submitted.body.goal_id);
    const [blocked, failed] = await toolCalls(goal.id);
    expect(blocked).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refused by the safety gate \(blocked_action\)/),
    });
    expect(failed).toMatchObject({ ok: false, error: expect.stringMatching(/cannot shout that/) });
    expect(web.calls.slice(before)).toEqual([{ tool: 'shout', args: { text: 'fail' } }]);
    const events = (await api.get(`/api/v1/goals/${goal.id}/events?limit=1000`)).body.items;
    expect(events.some((e: { type: string }) => e.type === 'safety.blocked')).toBe(true);
  });

  it('holds the tools of a server with default settings for approval', async () => {
    const guarded = await api.post('/api/v1/mcp/servers', {
      name: 'guarded',
      transport: 'http',
      url: web.url,
    });
    expect(guarded.status).toBe(201);
    const before = web.calls.length;
    scripts.set('approval', [[{ name: 'mcp__guarded__shout', arguments: { text: 'careful' } }]]);
    const submitted = await api.post('/api/v1/goals', { goal: 'Ask first [scenario:approval]' });
    const id = submitted.body.goal_id;
    await finished(id, ['awaiting_approval']);
    const pending = (await api.get(`/api/v1/goals/${id}/approvals`)).body.items.find(
      (a: { status: string }) => a.status === 'pending',
    );
    expect(pending).toMatchObject({ tool: 'mcp__guarded__shout', args: { text: 'careful' } });
    expect(web.calls.length).toBe(before);

    const decided = await api.post(`/api/v1/goals/${id}/approve`, {
      task_id: pending.task_id,
      decision: 'approve',
    });
    expect(decided.status).toBe(200);
    const goal = await finished(id);
    expect(goal.status).toBe('completed');
    expect(await toolCalls(id)).toEqual([
      expect.objectContaining({
        tool: 'mcp__guarded__shout',
        ok: true,
        result: { text: 'CAREFUL!' },
      }),
    ]);
  });

  it('answers a server that cannot be reached with its connection error, and forgets deleted ones', async () => {
    const dead = await api.post('/api/v1/mcp/servers', {
      name: 'dead',
      transport: 'http',
      url: 'http://127.0.0.1:1/mcp',
    });
    const refreshed = await api.post(`/api/v1/mcp/servers/${dead.body.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      status: 'FAILED',
      error: expect.any(String),
      tools: [],
    });

    const servers = (await api.get('/api/v1/mcp/servers')).body.items as Array<{
      id: string;
      name: string;
    }>;
    const guarded = servers.find((s) => s.name === 'guarded')!;
    expect((await api.delete(`/api/v1/mcp/servers/${guarded.id}`)).status).toBe(204);
    expect((await api.get(`/api/v1/mcp/servers/${guarded.id}`)).status).toBe(404);
    const tools = (await api.get('/api/v1/tools')).body.items.map((t: { name: string }) => t.name);
    expect(tools).not.toContain('mcp__guarded__shout');
    expect(tools).toContain('mcp__web__shout');
  });

  describe('on a machine without bubblewrap', () => {
    let bare: AppProcess;
    let bareApi: ApiClient;

    beforeAll(async () => {
      bare = await startApp({
        env: {
          SANDBOX_BWRAP_PATH: '/nonexistent/bwrap',
          MCP_ALLOW_HOSTS: '127.0.0.1',
          MCP_WORKING_DIRS: process.cwd(),
        },
      });
      bareApi = new ApiClient(bare.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    });
    afterAll(async () => {
      await bare?.stop();
    });

    it('refuses stdio servers with the reason, and still takes HTTP servers', async () => {
      const stdio = await bareApi.post('/api/v1/mcp/servers', stdioServer());
      expect(stdio.status).toBe(503);
      expect(stdio.body).toMatchObject({
        type: expect.stringMatching(/mcp-sandbox-unavailable$/),
        detail: expect.stringMatching(/bubblewrap.*not available.*\/nonexistent\/bwrap/),
      });
      const http = await bareApi.post('/api/v1/mcp/servers', webServer());
      expect(http.status).toBe(201);
      const tools = (await bareApi.get('/api/v1/tools')).body.items.map(
        (t: { name: string }) => t.name,
      );
      expect(tools).toContain('mcp__web__shout');
    });
  });
});
