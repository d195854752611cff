import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  ScriptedReply,
  ScriptedToolCall,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
} from '#testing';

/**
 * Tools, sandbox and safety gate end to end: a scripted model drives the real product
 * (built, as a child process) through every tool, an attack suite, the budgets, and the
 * human approval round trip.
 */
type Script = ScriptedToolCall[][];

const scripts = new Map<string, (text: string) => Script>();
let webPort = 0;
let internalPort = 0;
const internalHits: string[] = [];

/** The tool agent plays the scenario named in the goal: one list of calls per turn. */
function toolAgent(request: ChatRequestBody): ScriptedReply {
  const text = conversationText(request);
  const scenario = /\[scenario:([a-z-]+)\]/.exec(text)?.[1] ?? 'none';
  const script = scripts.get(scenario)?.(text) ?? [];
  const turn = (request.messages ?? []).filter(
    (m) => m.role === 'assistant' && m.tool_calls?.length,
  ).length;
  if (turn < script.length) return { toolCalls: script[turn] };
  return { content: `scenario ${scenario} done` };
}

function serve(
  handler: (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => void,
): Promise<Server> {
  const server = createServer(handler);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const ARTICLE = `<html><head><title>Village news</title><script>steal()</script></head><body>
<nav>Home | About | Contact</nav>
<article><h1>The village well is fixed</h1>
<p>After three weeks of work the village well pumps clean water again, the council announced on Monday.</p>
<p>Everyone thanked the volunteers who carried the heavy parts up the hill in the rain.</p></article>
<footer>Copyright</footer></body></html>`;

describe('tools, sandbox and the safety gate', () => {
  const llm = new ScriptedLlmServer();
  let web: Server;
  let internal: Server;

  beforeAll(async () => {
    internal = await serve((req, res) => {
      internalHits.push(req.url ?? '');
      res.end('internal secret');
    });
    internalPort = (internal.address() as AddressInfo).port;
    web = await serve((req, res) => {
      if (req.url === '/article')
        return res.writeHead(200, { 'content-type': 'text/html' }).end(ARTICLE);
      if (req.url === '/redirect-internal')
        return res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/secret` }).end();
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            method: req.method,
            body,
            idempotency_key: req.headers['idempotency-key'] ?? null,
          }),
        ),
      );
    });
    webPort = (web.address() as AddressInfo).port;
    await llm.start();
    llm.when(
      (r) => conversationText(r).includes('[agent-village:intent_analyzer]'),
      (r) => ({
        json: {
          objective: 'run the scenario',
          capabilities: ['files'],
          complexity: 'TRIVIAL',
          risk: 'LOW',
        },
        // the budget scenario burns its token budget on intent analysis
        usage: conversationText(r).includes('[scenario:budget]')
          ? { prompt_tokens: 600_000, completion_tokens: 10 }
          : { prompt_tokens: 50, completion_tokens: 10 },
      }),
    );
    llm.when('[agent-village:planner]', {
      json: {
        tasks: [
          {
            key: 't1',
            title: 'Finish without the rejected action',
            description: 'Finish the goal [replanned] without deleting anything.',
            depends_on: [],
            capabilities: [],
          },
        ],
      },
    });
    let keepVerdicts = 0;
    llm.when('[agent-village:critic]', (r) =>
      // the keep scenario's first result is rejected once, to force a replan
      conversationText(r).includes('[scenario:keep]') && keepVerdicts++ === 0
        ? { json: { passed: false, score: 0.2, feedback: 'do it again', failed_tasks: ['t1'] } }
        : { json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] } },
    );
    llm.when('[agent-village:tool_agent]', toolAgent);
  });

  afterAll(async () => {
    await llm.stop();
    await new Promise((r) => web.close(r));
    await new Promise((r) => internal.close(r));
  });

  const llmEnv = () => ({
    ...llm.singleAttemptEnv(),
    TASK_RETRY_BASE_MS: '1',
  });

  async function finished(
    api: ApiClient,
    id: string,
    states = ['completed', 'failed', 'cancelled'],
  ) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return states.includes(res.body.status) ? res.body : undefined;
      },
      { what: `goal ${id} to reach ${states.join('/')}`, timeoutMs: 60000 },
    );
  }

  async function toolCalls(api: ApiClient, id: string) {
    const tasks = await api.get(`/api/v1/goals/${id}/tasks`);
    return tasks.body.items.flatMap(
      (t: { output: { tool_calls?: unknown[] } | null }) => t.output?.tool_calls ?? [],
    ) as Array<{ tool: string; ok: boolean; result?: Record<string, unknown>; error?: string }>;
  }

  describe('with approvals off (operator policy SAFETY_APPROVAL_CATEGORIES=none)', () => {
    let app: AppProcess;
    let api: ApiClient;

    beforeAll(async () => {
      app = await startApp({
        env: {
          ...llmEnv(),
          SAFETY_APPROVAL_CATEGORIES: 'none',
          TOOLS_HTTP_ALLOW_HOSTS: `127.0.0.1:${webPort}`,
          SANDBOX_WALL_MS: '10000',
          TOOLS_HTTP_TIMEOUT_MS: '5000',
        },
      });
      api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('reports code execution as available in /health/ready', async () => {
      const res = await api.get('/health/ready');
      expect(res.body.capabilities.code_sandbox).toEqual({
        available: true,
        detail: expect.stringMatching(/^bubblewrap works; programs run as uid \d+$/),
      });
    });

    it('lists every tool with its permission level, risk, approval flag and JSON schema', async () => {
      const res = await api.get('/api/v1/tools');
      const byName = Object.fromEntries(res.body.items.map((t: { name: string }) => [t.name, t]));
      for (const name of [
        'read_file',
        'write_file',
        'list_directory',
        'create_directory',
        'delete_file',
        'copy_file',
        'move_file',
        'search_files',
        'file_info',
        'http_get',
        'http_post',
        'http_request',
        'fetch_webpage',
        'execute_python',
        'run_command',
      ])
        expect(byName[name]).toMatchObject({
          permission: expect.any(String),
          risk: expect.any(String),
          requires_approval: expect.any(Boolean),
          parameters: { type: 'object' },
        });
      expect(byName.execute_python).toMatchObject({ permission: 'EXECUTE', risk: 'HIGH' });
      expect(byName.read_file.parameters.required).toEqual(['path']);
    });

    it('runs a goal that reads, writes, fetches a page and runs Python with every tool', async () => {
      const base = `http://127.0.0.1:${webPort}`;
      scripts.set('tools', () => [
        [
          {
            name: 'write_file',
            arguments: { path: 'notes/a.txt', content: 'hello from the agent\nsecond line' },
          },
        ],
        [
          { name: 'read_file', arguments: { path: 'notes/a.txt' } },
          { name: 'create_directory', arguments: { path: 'out' } },
          { name: 'copy_file', arguments: { source: 'notes/a.txt', destination: 'out/copy.txt' } },
          {
            name: 'move_file',
            arguments: { source: 'out/copy.txt', destination: 'out/moved.txt' },
          },
          { name: 'list_directory', arguments: { path: 'out' } },
          { name: 'search_files', arguments: { query: 'second' } },
          { name: 'file_info', arguments: { path: 'out/moved.txt' } },
        ],
        [
          { name: 'fetch_webpage', arguments: { url: `${base}/article` } },
          { name: 'http_get', arguments: { url: `${base}/data` } },
          { name: 'http_post', arguments: { url: `${base}/echo`, json: { a: 1 } } },
          {
            name: 'http_request',
            arguments: { method: 'PUT', url: `${base}/echo`, body: 'put-body' },
          },
        ],
        [
          {
            name: 'execute_python',
            arguments: {
              code: 'data = open("notes/a.txt").read()\nopen("out/count.txt", "w").write(str(len(data.split())))\nprint(sum(range(10)), len(data))',
            },
          },
          { name: 'run_command', arguments: { command: 'cat out/count.txt; echo; ls out' } },
          { name: 'delete_file', arguments: { path: 'out/moved.txt' } },
        ],
      ]);
      const submitted = await api.post('/api/v1/goals', {
        goal: 'Exercise every tool [scenario:tools]',
      });
      const goal = await finished(api, submitted.body.goal_id);
      expect(goal.status).toBe('completed');
      const calls = await toolCalls(api, goal.id);
      const failed = calls.filter((c) => !c.ok);
      expect(failed).toEqual([]);
      const result = (tool: string) => calls.find((c) => c.tool === tool)!.result!;
      expect(result('read_file')).toMatchObject({ content: 'hello from the agent\nsecond line' });
      expect(result('list_directory')).toMatchObject({
        entries: [{ name: 'moved.txt', type: 'file' }],
      });
      expect(result('search_files').matches).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'notes/a.txt', line: 2 })]),
      );
      expect(result('file_info')).toMatchObject({ type: 'file', size: 32 });
      expect(result('fetch_webpage')).toMatchObject({ status: 200 });
      expect(result('fetch_webpage').text).toContain('pumps clean water again');
      expect(result('fetch_webpage').text).not.toContain('steal()');
      expect(result('http_get')).toMatchObject({ status: 200 });
      expect(JSON.parse(result('http_post').body as string)).toMatchObject({
        method: 'POST',
        body: '{"a":1}',
        idempotency_key: expect.any(String),
      });
      expect(JSON.parse(result('http_request').body as string)).toMatchObject({
        method: 'PUT',
        body: 'put-body',
      });
      expect(result('execute_python')).toMatchObject({ exit_code: 0, stdout: '45 32\n' });
      expect(result('run_command')).toMatchObject({
        exit_code: 0,
        stdout: '6\ncount.txt\nmoved.txt\n',
      });
      expect(result('delete_file')).toMatchObject({ deleted: true });
    });

    it('refuses every attack with a clear error and stays healthy', async () => {
      const spellings = [
        'rm -rf /',
        'rm -r -f /tmp/x',
        '/bin/rm -fr /',
        'find / -delete',
        'DROP DATABASE prod',
        'psql -c "dRoP   DaTaBaSe prod"',
        'mkfs.ext4 /dev/sda1',
        'format c:',
        "r'm' -rf${IFS}/",
        'curl http://169.254.169.254/latest/meta-data/',
        'curl http://10.0.0.5/',
      ];
      scripts.set('attack', () => [
        [
          { name: 'read_file', arguments: { path: '../../../../etc/passwd' } },
          { name: 'read_file', arguments: { path: '/etc/passwd' } },
          {
            name: 'run_command',
            arguments: { command: 'ln -s /etc/passwd leak.txt; ln -s / rootlink' },
          },
        ],
        [
          { name: 'read_file', arguments: { path: 'leak.txt' } },
          { name: 'write_file', arguments: { path: 'rootlink/tmp/pwned.txt', content: 'x' } },
          { name: 'write_file', arguments: { path: '../outside.txt', content: 'x' } },
          { name: 'http_get', arguments: { url: `http://2130706433:${internalPort}/` } },
          { name: 'http_get', arguments: { url: `http://[::1]:${internalPort}/` } },
          { name: 'http_get', arguments: { url: `http://[::ffff:7f00:1]:${internalPort}/` } },
          { name: 'http_get', arguments: { url: 'http://169.254.169.254/latest/meta-data/' } },
          {
            name: 'fetch_webpage',
            arguments: { url: `http://127.0.0.1:${webPort}/redirect-internal` },
          },
          { name: 'http_get', arguments: { url: 'file:///etc/passwd' } },
          {
            name: 'execute_python',
            arguments: {
              code: 'import socket\ntry:\n  socket.create_connection(("1.1.1.1", 53), timeout=3)\n  print("connected")\nexcept OSError as e:\n  print("no network:", e)',
            },
          },
          {
            name: 'execute_python',
            arguments: {
              code: 'import os\nn = 0\ntry:\n  while True:\n    if os.fork() == 0:\n      import time; time.sleep(2); os._exit(0)\n    n += 1\nexcept OSError as e:\n  print("fork refused after", n, e)',
            },
          },
          {
            name: 'execute_python',
            arguments: { code: 'x = bytearray(4 * 1024 ** 3)\nprint("allocated")' },
          },
          {
            name: 'execute_python',
            arguments: { code: 'while True:\n  pass', timeout_seconds: 1 },
          },
          {
            name: 'run_command',
            arguments: {
              command:
                'echo pwned > /etc/pwned; echo pwned > /usr/pwned; echo pwned > /tmp/../pwned; echo exit=$?',
            },
          },
          ...spellings.map((command) => ({ name: 'run_command', arguments: { command } })),
        ],
      ]);
      const submitted = await api.post('/api/v1/goals', {
        goal: 'Try to escape [scenario:attack]',
      });
      const goal = await finished(api, submitted.body.goal_id);
      const calls = await toolCalls(api, goal.id);
      const [
        trav,
        abs,
        ,
        link,
        linkDir,
        outside,
        dec,
        v6,
        mapped,
        meta,
        redirect,
        file,
        net,
        fork,
        mem,
        loop,
        writeOut,
        ...blocked
      ] = calls;
      expect(trav.error).toMatch(/path traversal is not allowed/);
      expect(abs.error).toMatch(/absolute paths are not allowed/);
      expect(link.error).toMatch(/symbolic link/);
      expect(linkDir.error).toMatch(/symbolic links are not followed/);
      expect(outside.error).toMatch(/path traversal/);
      expect(dec.error).toMatch(
        /safety gate \(blocked_action\).*internal address: 127\.0\.0\.1 is a loopback/,
      );
      expect(v6.error).toMatch(/internal address.*loopback/);
      expect(mapped.error).toMatch(/internal address.*loopback/);
      expect(meta.error).toMatch(/metadata endpoint 169\.254\.169\.254/);
      expect(redirect.error).toMatch(/refused: 127\.0\.0\.1 is a loopback address/);
      expect(file.error).toMatch(/scheme file: is not allowed/);
      expect(net.result).toMatchObject({
        exit_code: 0,
        stdout: expect.stringMatching(/^no network/),
      });
      expect(fork.result!.stdout).toMatch(/fork refused after \d+/);
      expect(Number(/after (\d+)/.exec(fork.result!.stdout as string)![1])).toBeLessThan(64);
      expect(mem.result).toMatchObject({
        exit_code: 1,
        stderr: expect.stringContaining('MemoryError'),
      });
      expect(loop).toMatchObject({
        ok: false,
        error: expect.stringMatching(/wall-clock limit of 1 s/),
      });
      expect(writeOut.result!.stderr).toMatch(/Read-only file system|Permission denied/);
      expect(blocked).toHaveLength(spellings.length);
      for (const call of blocked)
        expect(call).toMatchObject({
          ok: false,
          error: expect.stringMatching(/refused by the safety gate \(blocked_action\)/),
        });
      expect(internalHits).toEqual([]);
      expect(existsSync('/etc/pwned') || existsSync('/usr/pwned') || existsSync('/tmp/pwned')).toBe(
        false,
      );

      const events = (await api.get(`/api/v1/goals/${goal.id}/events?limit=1000`)).body.items;
      expect(
        events.filter((e: { type: string }) => e.type === 'safety.blocked').length,
      ).toBeGreaterThanOrEqual(spellings.length + 4);
      expect((await api.get('/health/ready')).status).toBe(200);
    });

    it('stops a goal whose next tool call is over the token budget', async () => {
      scripts.set('budget', () => [
        [{ name: 'write_file', arguments: { path: 'x.txt', content: 'x' } }],
      ]);
      const submitted = await api.post('/api/v1/goals', {
        goal: 'Spend too much [scenario:budget]',
      });
      const goal = await finished(api, submitted.body.goal_id);
      expect(goal.status).toBe('failed');
      expect(goal.failure_reasons.at(-1)).toMatch(
        /safety gate \(token_budget\): the goal used \d+ tokens, over its budget of 500000/,
      );
      const events = (await api.get(`/api/v1/goals/${goal.id}/events`)).body.items;
      expect(
        events.find((e: { type: string }) => e.type === 'safety.violation').data,
      ).toMatchObject({ check: 'token_budget' });
      expect(await toolCalls(api, goal.id)).toEqual([]);
      expect((await api.get('/health/ready')).status).toBe(200);
    });
  });

  describe('with the default approval policy', () => {
    let app: AppProcess;
    let api: ApiClient;

    beforeAll(async () => {
      app = await startApp({ env: llmEnv() });
      api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    });
    afterAll(async () => {
      await app?.stop();
    });

    async function pendingApproval(goalId: string) {
      await finished(api, goalId, ['awaiting_approval']);
      const approvals = await api.get(`/api/v1/goals/${goalId}/approvals`);
      return approvals.body.items.find((a: { status: string }) => a.status === 'pending');
    }

    it('holds code execution for a human, then resumes and completes when approved', async () => {
      scripts.set('approve', () => [
        [{ name: 'execute_python', arguments: { code: 'print(6 * 7)' } }],
      ]);
      const submitted = await api.post('/api/v1/goals', {
        goal: 'Compute the answer [scenario:approve]',
      });
      const id = submitted.body.goal_id;
      const pending = await pendingApproval(id);
      expect(pending).toMatchObject({
        tool: 'execute_python',
        categories: ['code_execution'],
        args: { code: 'print(6 * 7)' },
      });
      const required = (await api.get(`/api/v1/goals/${id}/events`)).body.items.find(
        (e: { type: string }) => e.type === 'approval.required',
      );
      expect(required).toMatchObject({
        task_id: pending.task_id,
        data: { action: 'execute_python', approval_id: pending.id },
      });

      const bad = await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: pending.task_id,
        decision: 'maybe',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('decision');

      const decided = await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: pending.task_id,
        decision: 'approve',
        comment: 'looks safe',
      });
      expect(decided.status).toBe(200);
      expect(decided.body.approval).toMatchObject({
        status: 'approved',
        decided_by: expect.stringMatching(/^(?!anonymous$)/),
        comment: 'looks safe',
      });
      const goal = await finished(api, id);
      expect(goal.status).toBe('completed');
      const calls = await toolCalls(api, id);
      expect(calls).toEqual([
        expect.objectContaining({
          tool: 'execute_python',
          ok: true,
          result: expect.objectContaining({ stdout: '42\n' }),
        }),
      ]);
      const again = await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: pending.task_id,
        decision: 'approve',
      });
      expect(again.status).toBe(409);
    });

    it('keeps an approval across a replan: the same action is not asked for twice', async () => {
      scripts.set('keep', () => [[{ name: 'execute_python', arguments: { code: 'print(7)' } }]]);
      const submitted = await api.post('/api/v1/goals', { goal: 'Print seven [scenario:keep]' });
      const id = submitted.body.goal_id;
      const pending = await pendingApproval(id);
      await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: pending.task_id,
        decision: 'approve',
      });
      const goal = await finished(api, id);
      expect(goal).toMatchObject({ status: 'completed', replan_count: 1, plan_version: 2 });
      const approvals = (await api.get(`/api/v1/goals/${id}/approvals`)).body.items;
      expect(approvals).toHaveLength(1);
      expect(approvals[0]).toMatchObject({ status: 'approved', tool: 'execute_python' });
      const calls = await toolCalls(api, id);
      expect(calls.filter((c) => c.tool === 'execute_python' && c.ok)).toHaveLength(2);
    });

    it('replans without the action when a human rejects it', async () => {
      scripts.set('reject', (text) =>
        text.includes('[replanned]')
          ? []
          : [[{ name: 'delete_file', arguments: { path: 'important.txt' } }]],
      );
      const submitted = await api.post('/api/v1/goals', { goal: 'Clean up [scenario:reject]' });
      const id = submitted.body.goal_id;
      const pending = await pendingApproval(id);
      expect(pending).toMatchObject({ tool: 'delete_file', categories: ['delete'] });
      const decided = await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: pending.task_id,
        decision: 'reject',
        comment: 'keep that file',
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({
        approval: { status: 'rejected', decided_by: expect.stringMatching(/^(?!anonymous$)/) },
        goal_state: 'REPLANNING',
      });
      const goal = await finished(api, id);
      expect(goal).toMatchObject({ status: 'completed', replan_count: 1 });
      const events = (await api.get(`/api/v1/goals/${id}/events`)).body.items;
      expect(
        events.find((e: { type: string }) => e.type === 'goal.replanning').data.reason,
      ).toMatch(/rejected delete_file \(task t1\): keep that file/);
      const unknownTask = await api.post(`/api/v1/goals/${id}/approve`, {
        task_id: '0190f0c4-0000-7000-8000-000000000000',
        decision: 'approve',
      });
      expect(unknownTask.status).toBe(404);
    });
  });
});
