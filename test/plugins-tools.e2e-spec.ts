import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  ScriptedReply,
  ScriptedToolCall,
  startApp,
  tempDir,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
  waitFor,
} from '#testing';
import { Principals } from './support/principals';

/**
 * TOOL plugins end to end, embedded mode: the example plugin's tool is listed and called by
 * a goal through the same safety gate as built-in tools; administrators disable, enable and
 * reload plugins without a restart; a plugin for another host API is refused at start.
 */
const EXAMPLES = join(__dirname, '..', 'examples', 'plugins');
const scripts = new Map<string, ScriptedToolCall[]>();
const offeredTools: string[][] = [];

/** Calls the scenario's tools in one turn, then answers with what the tools returned. */
function toolAgent(request: ChatRequestBody): ScriptedReply {
  const text = conversationText(request);
  const scenario = /\[scenario:([a-z-]+)\]/.exec(text)?.[1] ?? 'none';
  const messages = request.messages ?? [];
  if (!messages.some((m) => m.role === 'assistant' && m.tool_calls?.length)) {
    offeredTools.push((request.tools ?? []).map((t) => t.function.name));
    return { toolCalls: scripts.get(scenario) ?? [] };
  }
  const results = messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
  return { content: `tool said: ${results.join(' | ')}` };
}

describe('TOOL plugins', () => {
  const llm = new ScriptedLlmServer();

  beforeAll(async () => {
    await llm.start();
    llm.when('[agent-village:intent_analyzer]', {
      json: {
        objective: 'look it up',
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
            title: 'Look the word up',
            description: 'Look the word up in the glossary.',
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
  });
  afterAll(() => llm.stop());

  const llmEnv = () => llm.singleAttemptEnv();

  async function runGoal(api: ApiClient, scenario: string) {
    const submitted = await api.post('/api/v1/goals', {
      goal: `Look it up [scenario:${scenario}]`,
    });
    expect(submitted.status).toBe(202);
    const goal = await waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${submitted.body.goal_id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: `goal ${scenario} to finish`, timeoutMs: 60000 },
    );
    const tasks = (await api.get(`/api/v1/goals/${goal.id}/tasks`)).body.items as Array<{
      output: { text?: string; tool_calls?: Array<Record<string, unknown>> } | null;
    }>;
    const events = (await api.get(`/api/v1/goals/${goal.id}/events?limit=1000`)).body
      .items as Array<{ type: string; data: Record<string, unknown> }>;
    return {
      goal,
      calls: tasks.flatMap((t) => t.output?.tool_calls ?? []),
      outputs: tasks.map((t) => JSON.stringify(t.output)),
      events,
    };
  }

  const toolNames = async (api: ApiClient): Promise<string[]> =>
    (await api.get('/api/v1/tools')).body.items.map((t: { name: string }) => t.name);

  describe('with PLUGINS_DIR=examples/plugins', () => {
    let app: AppProcess;
    let admin: ApiClient;

    beforeAll(async () => {
      app = await startApp({ env: { ...llmEnv(), PLUGINS_DIR: EXAMPLES } });
      admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    });
    afterAll(() => app?.stop());

    it('lists the example plugin and its tool beside the built-in tools', async () => {
      const tools = (await admin.get('/api/v1/tools')).body.items;
      expect(tools.find((t: { name: string }) => t.name === 'lookup_word')).toEqual({
        name: 'lookup_word',
        description: 'Look a word up in the village glossary and return its definition.',
        parameters: expect.objectContaining({
          type: 'object',
          properties: { word: expect.objectContaining({ type: 'string', maxLength: 100 }) },
          required: ['word'],
        }),
        permission: 'READ_ONLY',
        risk: 'LOW',
        requires_approval: false,
        has_side_effects: false,
      });
      expect(tools.map((t: { name: string }) => t.name)).toContain('read_file');

      const plugins = await admin.get('/api/v1/plugins');
      expect(plugins.status).toBe(200);
      // both examples load: the TOOL plugin and the HOOK plugin
      expect(plugins.body.items.map((p: { name: string }) => p.name).sort()).toEqual([
        'audit-hook',
        'echo-tool',
      ]);
      expect(plugins.body.items.filter((p: { name: string }) => p.name === 'echo-tool')).toEqual([
        expect.objectContaining({
          name: 'echo-tool',
          version: '1.0.0',
          type: 'TOOL',
          status: 'LOADED',
          origin: 'PLUGINS_DIR',
          source: join(EXAMPLES, 'echo-tool'),
          permissions: ['tools:register'],
          hooks: [],
          tools: ['lookup_word'],
          health: expect.objectContaining({ ok: true, detail: '4 words', failures_total: 0 }),
        }),
      ]);
      expect((await admin.get('/api/v1/plugins/echo-tool')).body.status).toBe('LOADED');
      const metrics = await new ApiClient(app.baseUrl)
        .withHeaders(TEST_METRICS_AUTH)
        .get('/metrics');
      expect(metrics.body).toMatch(/^plugins\{status="LOADED"\} 2$/m);
      expect(metrics.body).toMatch(/^plugins\{status="FAILED"\} 0$/m);
    });

    it('lets a goal call the plugin tool and shows its result', async () => {
      scripts.set('lookup', [{ name: 'lookup_word', arguments: { word: 'Village' } }]);
      const { goal, calls, outputs, events } = await runGoal(admin, 'lookup');
      expect(goal.status).toBe('completed');
      expect(offeredTools.at(-1)).toContain('lookup_word');
      expect(calls).toEqual([
        expect.objectContaining({
          tool: 'lookup_word',
          ok: true,
          result: {
            word: 'village',
            found: true,
            definition: 'A place where many agents work together.',
          },
        }),
      ]);
      expect(outputs.join()).toContain('A place where many agents work together.');
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'tool.called',
          data: expect.objectContaining({ tool: 'lookup_word', ok: true }),
        }),
      );
    });

    it('refuses a blocked argument to the plugin tool exactly as for a built-in tool', async () => {
      scripts.set('blocked', [
        { name: 'lookup_word', arguments: { word: 'rm -rf /' } },
        { name: 'read_file', arguments: { path: 'rm -rf /' } },
        { name: 'lookup_word', arguments: { word: '' } },
      ]);
      const { calls, events } = await runGoal(admin, 'blocked');
      const [plugin, builtIn, invalid] = calls as Array<{
        tool: string;
        ok: boolean;
        error: string;
      }>;
      expect(plugin).toMatchObject({
        tool: 'lookup_word',
        ok: false,
        error: expect.stringMatching(/refused by the safety gate \(blocked_action\)/),
      });
      expect(builtIn).toMatchObject({ tool: 'read_file', ok: false });
      expect(plugin.error.replace('lookup_word', 'TOOL')).toBe(
        builtIn.error.replace('read_file', 'TOOL'),
      );
      expect(invalid).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^invalid arguments for lookup_word: word: /),
      });
      expect(events.filter((e) => e.type === 'safety.blocked')).toHaveLength(2);
    });

    it('disables and enables the plugin without a restart, for administrators only', async () => {
      const anonymous = new ApiClient(app.baseUrl);
      const viewer = await new Principals(anonymous, admin).signedIn('viv@plugins.test', 'viewer');
      const refused = await viewer.client.post('/api/v1/plugins/echo-tool/enable', {});
      expect(refused.status).toBe(403);
      expect((await viewer.client.post('/api/v1/plugins/echo-tool/disable', {})).status).toBe(403);

      const disabled = await admin.post('/api/v1/plugins/echo-tool/disable', {});
      expect(disabled.status).toBe(200);
      expect(disabled.body.status).toBe('DISABLED');
      expect(await toolNames(admin)).not.toContain('lookup_word');
      const again = await admin.post('/api/v1/plugins/echo-tool/disable', {});
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(again.body.type).toMatch(/plugin-state-conflict/);

      const enabled = await admin.post('/api/v1/plugins/echo-tool/enable', {});
      expect(enabled.status).toBe(200);
      expect(enabled.body.status).toBe('LOADED');
      expect(await toolNames(admin)).toContain('lookup_word');

      const unknown = await admin.post('/api/v1/plugins/no-such-plugin/reload', {});
      expect(unknown.status).toBe(404);
      expect(unknown.body.type).toMatch(/plugin-not-found/);
    });
  });

  describe('with a temporary PLUGINS_DIR', () => {
    let app: AppProcess;
    let admin: ApiClient;
    let pluginFile: string;

    beforeAll(async () => {
      const dir = join(tempDir('av-plugins-'), 'plugins');
      mkdirSync(dir, { recursive: true });
      cpSync(join(EXAMPLES, 'echo-tool'), join(dir, 'echo-tool'), { recursive: true });
      pluginFile = join(dir, 'echo-tool', 'index.js');
      writeFileSync(
        join(dir, 'future.js'),
        `module.exports = { metadata: { name: 'future-plugin', version: '2.0.0', type: 'TOOL', hostApi: '^2.0.0' } };\n`,
      );
      app = await startApp({ env: { ...llmEnv(), PLUGINS_DIR: dir } });
      admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    });
    afterAll(() => app?.stop());

    it('refuses a plugin for another host API with one log line and serves without it', async () => {
      const lines = app
        .output()
        .split('\n')
        .filter((line) => line.includes('future-plugin'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('needs host API ^2.0.0, this host offers 1.0.0');
      expect((await admin.get('/health')).status).toBe(200);
      const future = await admin.get('/api/v1/plugins/future-plugin');
      expect(future.body).toMatchObject({
        status: 'FAILED',
        last_error: 'needs host API ^2.0.0, this host offers 1.0.0',
      });
      expect((await admin.get('/api/v1/plugins/echo-tool')).body.status).toBe('LOADED');
    });

    it('reloads a rewritten plugin file without a restart', async () => {
      writeFileSync(
        pluginFile,
        readFileSync(pluginFile, 'utf8').replace(
          'Look a word up in the village glossary',
          'Look a word up in the revised glossary',
        ),
      );
      const reloaded = await admin.post('/api/v1/plugins/echo-tool/reload', {});
      expect(reloaded.status).toBe(200);
      expect(reloaded.body.status).toBe('LOADED');
      const tool = (await admin.get('/api/v1/tools')).body.items.find(
        (t: { name: string }) => t.name === 'lookup_word',
      );
      expect(tool.description).toBe(
        'Look a word up in the revised glossary and return its definition.',
      );
    });
  });
});
