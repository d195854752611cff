import { ApiClient, AppProcess, startApp, TEST_ADMIN_API_KEY, waitFor } from '#testing';

/** The embedded default: PGlite, in-process queue, offline LLM — what `npm start` runs. */
describe('goals on the embedded default (PGlite + in-process queue + offline LLM)', () => {
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function finished(id: string) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: `goal ${id} to finish` },
    );
  }

  it('refuses every goal route without credentials (401 problem+json)', async () => {
    const anonymous = new ApiClient(app.baseUrl);
    for (const [method, path] of [
      ['POST', '/api/v1/goals'],
      ['GET', '/api/v1/goals'],
      ['GET', '/api/v1/goals/0190f0c4-0000-7000-8000-000000000000'],
      ['POST', '/api/v1/goals/0190f0c4-0000-7000-8000-000000000000/cancel'],
      ['GET', '/api/v1/tools'],
    ]) {
      const res = await anonymous.request<{ type: string }>(
        method,
        path,
        method === 'POST' ? { goal: 'x' } : undefined,
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.type).toMatch(/unauthenticated$/);
    }
    expect((await anonymous.get('/health')).status).toBe(200);
  });

  it('takes a goal from submission to a verified result', async () => {
    const submitted = await api.post('/api/v1/goals', {
      goal: 'Research cats. Research dogs. Research birds.',
      metadata: { ticket: 'OPS-1' },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toEqual({ goal_id: expect.any(String), status: 'queued' });

    const goal = await finished(submitted.body.goal_id);
    expect(goal).toMatchObject({
      status: 'completed',
      state: 'COMPLETED',
      complexity: 'MODERATE',
      metadata: { ticket: 'OPS-1' },
    });
    expect(goal.result.provider).toBe('offline');
    expect(goal.result.verdict.score).toBe(1);
    expect(goal.timings.duration_ms).toBeGreaterThanOrEqual(0);

    const tasks = await api.get(`/api/v1/goals/${goal.id}/tasks`);
    expect(tasks.body.items).toHaveLength(4);
    expect(tasks.body.items[3].depends_on).toEqual(['t1', 't2', 't3']);
    expect(
      tasks.body.items.every(
        (t: { status: string; agent_id: string }) => t.status === 'completed' && t.agent_id,
      ),
    ).toBe(true);

    const events = await api.get(`/api/v1/goals/${goal.id}/events`);
    const states = events.body.items
      .filter((e: { type: string }) => e.type === 'goal.status')
      .map((e: { data: { to: string } }) => e.data.to);
    expect(states).toEqual([
      'INTENT_ANALYSIS',
      'TASK_DECOMPOSITION',
      'AGENT_ASSIGNMENT',
      'EXECUTING',
      'VERIFYING',
      'WRITING_MEMORY',
      'REFLECTING',
      'COMPLETED',
    ]);
    const ids = events.body.items.map((e: { id: number }) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const after = await api.get(`/api/v1/goals/${goal.id}/events?after=${ids[5]}`);
    expect(after.body.items.map((e: { id: number }) => e.id)).toEqual(ids.slice(6));
  });

  it('records parallel tasks that finish together in order: events, ledger and agent stats', async () => {
    const goal = Array.from({ length: 9 }, (_, i) => `Research topic ${i + 1} of the fleet.`).join(
      ' ',
    );
    const { body } = await api.post('/api/v1/goals', { goal });
    expect((await finished(body.goal_id)).status).toBe('completed');
    const tasks = (await api.get(`/api/v1/goals/${body.goal_id}/tasks`)).body.items as Array<{
      id: string;
      agent_id: string;
      depends_on: string[];
    }>;
    expect(tasks.filter((t) => t.depends_on.length === 0).length).toBeGreaterThan(1);
    const events = (await api.get(`/api/v1/goals/${body.goal_id}/events?limit=1000`)).body
      .items as Array<{ seq: number; type: string; task_id: string }>;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const type of ['task.started', 'task.completed', 'agent.completed'])
      expect(new Set(events.filter((e) => e.type === type).map((e) => e.task_id)).size).toBe(
        tasks.length,
      );
    const ledger = (await api.get(`/api/v1/goals/${body.goal_id}/ledger`)).body.items as Array<{
      step: number;
      kind: string;
      is_satisfied: boolean;
      next_instruction: string;
    }>;
    const taskRows = ledger.filter((r) => r.kind === 'task');
    expect(taskRows).toHaveLength(tasks.length);
    expect(ledger.map((r) => r.step)).toEqual(ledger.map((_, i) => i + 1));
    expect(taskRows.map((r) => r.next_instruction)).toEqual([
      ...taskRows
        .slice(1)
        .map((_, i) => `${tasks.length - 1 - i} task(s) left: run the next ready tasks`),
      'all tasks are done: verify the result with the critic',
    ]);
    expect(taskRows.map((r) => r.is_satisfied)).toEqual(
      taskRows.map((_, i) => i === tasks.length - 1),
    );
    const agent = (await api.get(`/api/v1/agents/${tasks[0].agent_id}`)).body;
    expect(agent.status).toBe('idle');
  });

  it('lists goals with pagination and a status filter', async () => {
    await api.post('/api/v1/goals', { goal: 'Say hello' });
    const page = await api.get('/api/v1/goals?limit=1');
    expect(page.body).toMatchObject({ limit: 1, offset: 0, total: expect.any(Number) });
    expect(page.body.items).toHaveLength(1);
    const bad = await api.get('/api/v1/goals?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('status');
  });

  it("searches the goals' text across every page, case-insensitively and literally", async () => {
    const stamp = Date.now();
    const marker = `Zebra_${stamp}`;
    const ids = [];
    for (const goal of [`Count the ${marker} stripes`, `Paint a ${marker.toUpperCase()} crossing`])
      ids.push((await api.post('/api/v1/goals', { goal })).body.goal_id);
    // what `_` as a wildcard would also match
    await api.post('/api/v1/goals', { goal: `Count the ZebraX${stamp} stripes` });
    const found = await api.get(`/api/v1/goals?q=${encodeURIComponent(marker.toLowerCase())}`);
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(2);
    expect(found.body.items.map((g: { id: string }) => g.id).sort()).toEqual(ids.sort());
    const onePage = await api.get(`/api/v1/goals?q=${marker}&limit=1&offset=1`);
    expect(onePage.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(onePage.body.items).toHaveLength(1);
    // `_` and `%` are the text's own characters, not wildcards
    expect((await api.get('/api/v1/goals?q=Zebra%25stripes')).body.total).toBe(0);
    expect((await api.get(`/api/v1/goals?q=${'x'.repeat(201)}`)).status).toBe(400);
  });

  it('answers bad input with problem+json and stores nothing', async () => {
    const before = (await api.get('/api/v1/goals')).body.total;

    const missing = await api.post('/api/v1/goals', { title: 'no goal' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual(
      expect.arrayContaining([{ field: 'goal', message: 'is required' }]),
    );
    // the wrong type is the one reason given, not also the range it would have to fit
    const wrongType = await api.post('/api/v1/goals', { goal: 5, priority: '9' });
    expect(wrongType.body.errors).toEqual([
      { field: 'goal', message: 'must be a string' },
      { field: 'priority', message: 'must be an integer number' },
    ]);

    const unknown = await api.post('/api/v1/goals', { goal: 'x', priority: 99, pattern: 'chaos' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'pattern',
      'priority',
    ]);

    const tooLong = await api.post('/api/v1/goals', { goal: 'x'.repeat(20001) });
    expect(tooLong.status).toBe(413);
    expect(tooLong.body.detail).toMatch(/goal exceeds/);

    const notJson = await api.post('/api/v1/goals', 'goal=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(notJson.status).toBe(415);

    const latin1 = await api.post('/api/v1/goals', '{"goal": "x"}', {
      'content-type': 'application/json; charset=latin1',
    });
    expect(latin1.status).toBe(415);
    expect(latin1.body).toMatchObject({
      title: 'Unsupported media type',
      detail: 'Request bodies must be JSON in UTF-8, not LATIN1.',
    });
    const notGzip = await api.post('/api/v1/goals', '{"goal": "x"}', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.detail).toBe(
      'The request body could not be decompressed as its Content-Encoding says.',
    );

    const malformed = await api.post('/api/v1/goals', '{"goal": ', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/malformed-json/);
    expect(malformed.body.detail).toBe('The request body is not valid JSON.');
    for (const notAnObject of ['null', '"a goal"', '5']) {
      const refused = await api.post('/api/v1/goals', notAnObject, {
        'content-type': 'application/json',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toBe('The request body must be a JSON object.');
    }

    const badKey = await api.post(
      '/api/v1/goals',
      { goal: 'x' },
      { 'Idempotency-Key': 'k'.repeat(201) },
    );
    expect(badKey.status).toBe(400);
    expect(badKey.body.errors.map((e: { field: string }) => e.field)).toEqual(['Idempotency-Key']);

    const unknownGoal = await api.get('/api/v1/goals/0190f0c4-0000-7000-8000-000000000000');
    expect(unknownGoal.status).toBe(404);
    const notUuid = await api.get('/api/v1/goals/not-a-uuid');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    // a path that exists, with a method it does not take: 405 and what it does take
    const wrongMethod = await api.delete('/api/v1/goals');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(wrongMethod.body).toMatchObject({
      title: 'Method not allowed',
      instance: '/api/v1/goals',
    });
    expect((await api.delete('/api/v1/no-such-thing')).status).toBe(404);
    const blankTitle = await api.post('/api/v1/goals', { goal: 'x', title: '  ' });
    expect([blankTitle.status, blankTitle.body.errors]).toEqual([
      400,
      [{ field: 'title', message: 'must not be blank' }],
    ]);
    // a route answers at its documented path only: rate-limit rules and plugin middleware
    // match the path as written, so another letter case or a trailing slash must not reach it
    for (const path of ['/API/V1/GOALS', '/api/v1/Goals', '/api/v1/goals/', '/health/live/'])
      expect({ path, status: (await api.get(path)).status }).toEqual({ path, status: 404 });
    const auditNotUuid = await api.get('/api/v1/audit/events');
    expect(auditNotUuid.status).toBe(400);
    expect(auditNotUuid.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);

    // a query integer is plain decimal digits, given once: nothing else is read as a number
    for (const limit of ['0x10', '1e1', '+5', '%205', '5.0', '', '1&limit=2']) {
      const listed = await api.get(`/api/v1/goals?limit=${limit}`);
      expect({ limit, status: listed.status, errors: listed.body.errors }).toEqual({
        limit,
        status: 400,
        errors: [{ field: 'limit', message: 'must be an integer number' }],
      });
    }
    expect((await api.get('/api/v1/goals?limit=5')).body.limit).toBe(5);

    expect((await api.get('/api/v1/goals')).body.total).toBe(before);
  });

  it('a submission sent again with its Idempotency-Key answers the goal the first one created', async () => {
    const key = 'resubmit-embedded-1';
    const first = await api.post(
      '/api/v1/goals',
      { goal: 'Say hello twice' },
      { 'Idempotency-Key': key },
    );
    const again = await api.post(
      '/api/v1/goals',
      { goal: 'Say hello twice' },
      { 'Idempotency-Key': key },
    );
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.goal_id).toBe(first.body.goal_id);
    const other = await api.post('/api/v1/goals', { goal: 'Say hello twice' });
    expect(other.body.goal_id).not.toBe(first.body.goal_id);
    expect((await finished(first.body.goal_id)).status).toBe('completed');
  });

  it('an Idempotency-Key sent again with another body answers 422 naming what differs, creating nothing', async () => {
    const key = 'resubmit-embedded-2';
    const body = { goal: 'Say hello', priority: 3, metadata: { ticket: 'A', n: [1, 2] } };
    const first = await api.post('/api/v1/goals', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    const before = (await api.get('/api/v1/goals')).body.total;
    const changed = await api.post(
      '/api/v1/goals',
      { ...body, goal: 'Delete everything', priority: 9 },
      { 'Idempotency-Key': key },
    );
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toContain('application/problem+json');
    expect(changed.body).toMatchObject({
      type: expect.stringMatching(/idempotency-key-reused$/),
      goal_id: first.body.goal_id,
      errors: [{ field: 'goal' }, { field: 'priority' }],
    });
    const otherMetadata = await api.post(
      '/api/v1/goals',
      { ...body, metadata: { ticket: 'B', n: [1, 2] } },
      { 'Idempotency-Key': key },
    );
    expect(otherMetadata.body.errors).toEqual([
      {
        field: 'metadata',
        message: 'differs from the submission first sent with this Idempotency-Key',
      },
    ]);
    // the same request, metadata keys in another order, is still a replay
    const replay = await api.post(
      '/api/v1/goals',
      { metadata: { n: [1, 2], ticket: 'A' }, priority: 3, goal: 'Say hello' },
      { 'Idempotency-Key': key },
    );
    expect([replay.status, replay.body.goal_id]).toEqual([202, first.body.goal_id]);
    expect((await api.get('/api/v1/goals')).body.total).toBe(before);
  });

  it('refuses to cancel a finished goal (409)', async () => {
    const done = await api.post('/api/v1/goals', { goal: 'Say hi' });
    await finished(done.body.goal_id);
    const conflict = await api.post(`/api/v1/goals/${done.body.goal_id}/cancel`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toMatch(/illegal-transition/);
  });

  it('serves OpenAPI with schemas, and health', async () => {
    const doc = await api.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/goals'].post).toBeDefined();
    expect(doc.body.components.schemas.CreateGoalDto.properties.goal).toBeDefined();
    expect((await api.get('/health/ready')).body).toMatchObject({
      status: 'ready',
      checks: { database: { status: 'up' } },
    });
  });
});
