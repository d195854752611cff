import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TestDatabase,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
  waitFor,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
} from '#testing';
import { Envelope, WsTestClient } from './support/ws-client';

interface LoggedEvent {
  id: number;
  seq: number;
  type: string;
}

async function logOf(api: ApiClient, goalId: string): Promise<LoggedEvent[]> {
  const res = await api.get(`/api/v1/goals/${goalId}/events?limit=1000`);
  return res.body.items;
}

async function finished(api: ApiClient, goalId: string): Promise<void> {
  await waitFor(
    async () => {
      const res = await api.get(`/api/v1/goals/${goalId}`);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status);
    },
    { what: `goal ${goalId} to finish` },
  );
}

const ids = (events: Envelope[]) => events.map((e) => e.id as number);

describe('WebSocket events on the embedded default', () => {
  let app: AppProcess;
  let api: ApiClient;
  const clients: WsTestClient[] = [];
  const connect = async () => {
    const client = await WsTestClient.connect(app.baseUrl);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app?.stop();
  });

  it('submits a goal over the socket and streams its ordered events to completion', async () => {
    const client = await connect();
    const ack = await client.request('goal.submit', { goal: 'Research cats. Research dogs.' });
    expect(ack).toMatchObject({
      event: 'ack',
      data: { for: 'goal.submit', status: 'queued', subscribed: true },
    });
    const goalId = ack.data.goal_id as string;
    await waitFor(() => client.events(goalId).some((e) => e.event === 'goal.completed'), {
      what: 'goal.completed over the socket',
    });
    const log = await logOf(api, goalId);
    const received = client.events(goalId);
    expect(ids(received)).toEqual(log.map((e) => e.id));
    expect(received.map((e) => e.data.seq)).toEqual(log.map((_, i) => i + 1));
    expect(received[0]).toMatchObject({ event: 'goal.created', data: { goal_id: goalId, seq: 1 } });
    const types = new Set(received.map((e) => e.event));
    for (const t of [
      'goal.status',
      'agent.assigned',
      'task.started',
      'task.completed',
      'goal.completed',
    ])
      expect(types).toContain(t);
  });

  it('resumes after a disconnect with exactly the missed events', async () => {
    const first = await connect();
    const submitted = await api.post('/api/v1/goals', {
      goal: 'Research owls. Research bats. Research moths.',
    });
    const goalId = submitted.body.goal_id as string;
    const ack = await first.request('subscribe', { goal_id: goalId });
    expect(ack.event).toBe('ack');
    // Disconnect in the middle: after the first few events, while the goal still runs.
    await waitFor(() => first.events(goalId).length >= 3, { what: 'three events' });
    await first.close();
    const seen = first.events(goalId);
    const lastId = seen[seen.length - 1].id as number;

    const second = await connect();
    await second.request('subscribe', { goal_id: goalId, last_event_id: lastId });
    await finished(api, goalId);
    const log = await logOf(api, goalId);
    await waitFor(() => second.events(goalId).length === log.filter((e) => e.id > lastId).length, {
      what: 'the missed events',
    });
    const resumed = second.events(goalId);
    expect(ids(resumed)).toEqual(log.filter((e) => e.id > lastId).map((e) => e.id));
    // Together: the whole log, once each, in order.
    expect([...ids(seen), ...ids(resumed)]).toEqual(log.map((e) => e.id));
  });

  it('follows every goal of the tenant and resumes tenant-wide', async () => {
    const watcher = await connect();
    await watcher.request('subscribe', { scope: 'tenant' });
    const a = (await api.post('/api/v1/goals', { goal: 'Say hello' })).body.goal_id as string;
    const b = (await api.post('/api/v1/goals', { goal: 'Say goodbye' })).body.goal_id as string;
    await finished(api, a);
    await finished(api, b);
    const logA = await logOf(api, a);
    const logB = await logOf(api, b);
    await waitFor(
      () => watcher.events(a).length === logA.length && watcher.events(b).length === logB.length,
      {
        what: 'both goals on the tenant stream',
      },
    );
    expect(ids(watcher.events(a))).toEqual(logA.map((e) => e.id));
    expect(ids(watcher.events(b))).toEqual(logB.map((e) => e.id));

    const late = await connect();
    const ack = await late.request('subscribe', { scope: 'tenant', last_event_id: logA[2].id });
    const expected = [...logA, ...logB]
      .filter((e) => e.id > logA[2].id)
      .map((e) => e.id)
      .sort((x, y) => x - y);
    expect(ack.data.replayed).toBeGreaterThanOrEqual(expected.length);
    const replayed = ids(late.events()).filter((id) => expected.includes(id));
    expect(replayed).toEqual(expected);
  });

  it('answers bad messages with problem documents naming the field, and keeps the connection', async () => {
    const client = await connect();
    const unknownGoal = await client.request('subscribe', {
      goal_id: '01900000-0000-7000-8000-000000000000',
    });
    expect(unknownGoal).toMatchObject({ event: 'error', data: { status: 404, for: 'subscribe' } });
    const badId = await client.request('subscribe', { goal_id: 'nope' });
    expect(badId.data).toMatchObject({ status: 400, errors: [{ field: 'goal_id' }] });
    const blank = await client.request('goal.submit', { goal: '   ' });
    expect(blank.data).toMatchObject({ status: 400, errors: [{ field: 'goal' }] });
    const extra = await client.request('goal.submit', { goal: 'x', priority: 99 });
    expect(extra.data).toMatchObject({ status: 400, errors: [{ field: 'priority' }] });
    const unknown = await client.request('goal.explode', {});
    expect(unknown.data).toMatchObject({ status: 400, errors: [{ field: 'event' }] });
    const approve = await client.request('task.approve', { task_id: 'x' });
    expect(approve.data).toMatchObject({ status: 400, errors: [{ field: 'goal_id' }] });
    client.socket.send('not json');
    await waitFor(() =>
      client.messages.some(
        (m) => m.event === 'error' && m.data.detail === 'message is not valid JSON',
      ),
    );
    const pong = await client.request('ping', {});
    expect(pong).toMatchObject({ event: 'ack', data: { pong: true } });
  });

  it('cancels a goal over the socket', async () => {
    const client = await connect();
    const ack = await client.request('goal.submit', {
      goal: 'Research a. Research b. Research c. Research d.',
    });
    const goalId = ack.data.goal_id as string;
    const cancel = await client.request('goal.cancel', {
      goal_id: goalId,
      reason: 'changed my mind',
    });
    if (cancel.event === 'ack') {
      expect(cancel.data).toMatchObject({ goal_id: goalId, status: 'cancelled' });
      await waitFor(() => client.events(goalId).some((e) => e.event === 'goal.cancelled'));
    } else {
      // The offline goal may finish before the cancel arrives: then it is a clear 409.
      expect(cancel.data).toMatchObject({ status: 409 });
    }
    const missing = await client.request('goal.cancel', {});
    expect(missing.data).toMatchObject({ status: 400, errors: [{ field: 'goal_id' }] });
  });

  it('counts WebSocket clients and delivered events in /metrics', async () => {
    const res = await fetch(`${app.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH });
    const text = await res.text();
    const sent = Number(/^ws_events_sent_total (\d+)/m.exec(text)?.[1]);
    expect(sent).toBeGreaterThan(0);
    expect(Number(/^ws_clients (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
  });
});

describe('WebSocket events across processes (PostgreSQL + Redis, two APIs, one worker)', () => {
  let db: TestDatabase;
  const processes: AppProcess[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
    };
    // The first process migrates; the others start on the migrated schema.
    processes.push(await startApp({ env: { ...env, PROCESS_JOBS: 'false' } }));
    processes.push(await startApp({ env: { ...env, PROCESS_JOBS: 'false' } }));
    processes.push(await startApp({ env, entry: 'worker' }));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(processes.map((p) => p.stop()));
    await db?.drop();
  });

  it("delivers the worker's events to the clients of both API processes, once each, in order", async () => {
    const [apiA, apiB] = processes;
    for (const p of [apiA, apiB]) {
      const client = await WsTestClient.connect(p.baseUrl);
      clients.push(client);
      expect((await client.request('subscribe', { scope: 'tenant' })).event).toBe('ack');
    }
    const api = new ApiClient(apiA.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const goalId = (await api.post('/api/v1/goals', { goal: 'Research cats. Research dogs.' })).body
      .goal_id as string;
    await finished(api, goalId);
    const log = await logOf(api, goalId);
    expect(log.at(-1)?.type).toBe('goal.completed');
    for (const client of clients) {
      await waitFor(() => client.events(goalId).length >= log.length, {
        what: 'every event on both APIs',
      });
      expect(ids(client.events(goalId))).toEqual(log.map((e) => e.id));
    }
    // The events were run by the worker, not by the APIs (they do not process jobs).
    expect(processes[2].output()).not.toContain('startup failed');
  });
});
