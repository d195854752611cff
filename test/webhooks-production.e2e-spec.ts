import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  ApiClient,
  AppProcess,
  ChatRequestBody,
  conversationText,
  createPostgresDatabase,
  goalFinished,
  Json,
  JsonResponse,
  queryPostgres,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { PASSWORD } from './support/principals';
import {
  headerOf,
  ReceivedRequest,
  startWebhookReceiver,
  verifyReceived,
  verifyReceivedStandard,
  verifyStandardWebhook,
  verifyWebhook,
  WebhookReceiver,
} from './support/webhook-receiver';

/** Seals the endpoints' secrets in these processes (WEBHOOK_ENCRYPTION_KEY). Test-only. */
const WEBHOOK_KEY = 'ab'.repeat(32);
/** Consecutive expired deliveries before an endpoint goes FAILED in these processes. */
const DISABLE_AFTER = 2;
const MAX_PER_OWNER = 6;
/** Every payload has exactly these fields. */
const PAYLOAD_KEYS = ['data', 'event_id', 'event_type', 'tenant_id', 'timestamp'];

interface GoalEvent {
  id: number;
  seq: number;
  type: string;
  task_id: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

/** Whether an event type is one an endpoint's patterns (exact, `category.*`, `*`) subscribe to. */
function subscribed(type: string, patterns: string[]): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

const sorted = (values: string[]) => [...values].sort();

/** A delivery's attempts, as its detail lists them beside their count. */
function attemptLog(detail: Json): Json[] | undefined {
  return detail?.attempt_log;
}

/** The delivery ids each event of a goal arrived under. */
function idsByEventOf(requests: ReceivedRequest[], goalId: string): Map<string, Set<string>> {
  const byEvent = new Map<string, Set<string>>();
  for (const r of requests.filter((q) => q.json?.data?.goal_id === goalId)) {
    const ids = byEvent.get(String(r.json.event_id)) ?? new Set<string>();
    ids.add(r.deliveryId ?? '');
    byEvent.set(String(r.json.event_id), ids);
  }
  return byEvent;
}

/** The fields a validation problem names. */
function namedFields(res: JsonResponse): string[] {
  const errors = (res.body?.errors ?? []) as Array<{ field?: string }>;
  return errors.map((e) => e.field ?? '');
}

/** The message of a problem's error on `url`. */
function urlRefusalMessage(res: JsonResponse): string | undefined {
  const errors = (res.body?.errors ?? []) as Array<{ field?: string; message?: string }>;
  return errors.find((e) => e.field === 'url')?.message;
}

/** The statuses refusals answered, by what was refused (each must be 400). */
type Refusals = Array<[string, number]>;

/**
 * A validation problem whose errors name `field`. Its status is noted in `refusals` and
 * checked to be 400 (validation-failed) at the test's end, so one wrong status does not hide the other checks.
 */
function expectRefused(res: JsonResponse, field: string, what: string, refusals: Refusals): void {
  refusals.push([what, res.status]);
  expect([what, res.status]).toEqual([what, 400]);
  expect([what, res.body?.type]).toEqual([what, expect.stringMatching(/validation-failed$/)]);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect([what, namedFields(res).some((f) => f === field || f.startsWith(`${field}.`))]).toEqual([
    what,
    true,
  ]);
}

/**
 * Webhooks on the built product in production mode: PostgreSQL, BullMQ on Redis, an API
 * process that serves HTTP only and a worker process that runs goals and sends deliveries,
 * a scripted model, and loopback receivers (one allow-listed, one that must never be reached).
 * Every test works in a tenant of its own with its own administrator, so the endpoints of
 * one test never see another's events.
 */
describe('webhooks (PostgreSQL + Redis, an API and a worker process)', () => {
  const llm = new ScriptedLlmServer();
  let receiver: WebhookReceiver;
  /** Not allow-listed: no delivery may ever connect to it. */
  let counting: WebhookReceiver;
  let db: TestDatabase;
  let env: Record<string, string>;
  let api: AppProcess;
  let worker: AppProcess;
  const processes: AppProcess[] = [];
  let anonymous: ApiClient;
  let root: ApiClient;
  let eventTypes: string[];
  let tenantCount = 0;

  const is = (role: string, marker?: string) => (r: ChatRequestBody) => {
    const text = conversationText(r);
    return text.includes(`[agent-village:${role}]`) && (!marker || text.includes(marker));
  };
  const task = (key: string) => ({
    key,
    title: `step ${key}`,
    description: `do ${key}`,
    depends_on: [],
    capabilities: [],
    acceptance_criteria: `${key} done`,
  });

  const startWorker = async () => {
    const p = await startApp({ entry: 'worker', env });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    await llm.start();
    llm.when(is('intent_analyzer', 'WH-SLOW-START'), {
      json: { objective: 'do it', capabilities: [], complexity: 'SIMPLE', risk: 'LOW' },
      latencyMs: 3000,
    });
    llm.when(is('intent_analyzer'), {
      json: { objective: 'do it', capabilities: [], complexity: 'SIMPLE', risk: 'LOW' },
    });
    llm.when(is('planner'), { json: { tasks: [task('alpha'), task('beta')] } });
    llm.when(is('tool_agent', 'WH-SLOW-WORK'), { content: 'done slowly', latencyMs: 400 });
    llm.when(is('critic'), {
      json: { passed: true, score: 0.9, feedback: 'good', failed_tasks: [] },
    });
    llm.otherwise({ content: 'done' });

    receiver = await startWebhookReceiver();
    counting = await startWebhookReceiver();
    db = await createPostgresDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'k',
      LLM_MODEL: 'gpt-4o-mini',
      LEASE_TTL_MS: '1500',
      SWEEPER_INTERVAL_MS: '300',
      QUEUE_STALLED_INTERVAL_MS: '1500',
      RATE_LIMIT_ENABLED: 'false',
      API_KEY_RATE_PER_MINUTE: '100000',
      API_KEY_RATE_BURST: '10000',
      WEBHOOK_ENCRYPTION_KEY: WEBHOOK_KEY,
      WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
      WEBHOOK_RETRY_SCALE: '0.001',
      WEBHOOK_DISABLE_AFTER_FAILURES: String(DISABLE_AFTER),
      WEBHOOK_MAX_PER_OWNER: String(MAX_PER_OWNER),
      WEBHOOK_TIMEOUT_MS: '5000',
      WEBHOOK_POLL_MS: '200',
    };
    api = await startApp({ env: { ...env, PROCESS_JOBS: 'false' } });
    processes.push(api);
    worker = await startWorker();
    anonymous = new ApiClient(api.baseUrl);
    root = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    const types = await root.get('/api/v1/webhooks/event-types');
    expect(types.status).toBe(200);
    eventTypes = types.body.event_types;
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill()));
    await receiver?.stop();
    await counting?.stop();
    await llm.stop();
    await db?.drop();
  });

  /** A tenant of the test's own and a session of its administrator. */
  async function tenantAdmin(
    label: string,
  ): Promise<{ tenantId: string; slug: string; client: ApiClient }> {
    const slug = `wh-${label}-${++tenantCount}`;
    const tenant = await root.post('/api/v1/tenants', { slug, name: slug, tier: 'ENTERPRISE' });
    expect(tenant.status).toBe(201);
    const tenantId = tenant.body.id as string;
    const client = await signIn(tenantId, slug, `admin@${slug}.test`, 'tenant_admin');
    return { tenantId, slug, client };
  }

  /** A user of the tenant with `role`, signed in. */
  async function signIn(
    tenantId: string,
    slug: string,
    email: string,
    role: string,
  ): Promise<ApiClient> {
    const inTenant = root.inTenant(tenantId);
    const user = await inTenant.post('/api/v1/users', {
      email,
      display_name: email.split('@')[0],
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    const assigned = await inTenant.post('/api/v1/role-assignments', {
      user_id: user.body.id,
      role,
    });
    expect(assigned.status).toBe(201);
    const login = await anonymous.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
      tenant: slug,
    });
    expect(login.status).toBe(200);
    return anonymous.withBearer(login.body.token as string);
  }

  async function createEndpoint(client: ApiClient, body: Record<string, unknown>): Promise<Json> {
    const res = await client.post('/api/v1/webhooks', { name: 'test endpoint', ...body });
    expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 201]);
    return res.body;
  }

  async function submitGoal(client: ApiClient, text: string): Promise<string> {
    const res = await client.post('/api/v1/goals', { goal: text });
    expect(res.status).toBe(202);
    return res.body.goal_id as string;
  }

  async function finishGoal(client: ApiClient, goalId: string): Promise<void> {
    const goal = await goalFinished(() => client.get(`/api/v1/goals/${goalId}`), {
      intervalMs: 200,
    });
    expect(goal.status).toBe('completed');
  }

  async function goalLog(client: ApiClient, goalId: string): Promise<GoalEvent[]> {
    const res = await client.get(`/api/v1/goals/${goalId}/events?limit=1000`);
    expect(res.status).toBe(200);
    return res.body.items as GoalEvent[];
  }

  /** Deliveries of a goal's events a path accepted, one per delivery id. */
  const ofGoal = (path: string, goalId: string) =>
    receiver.delivered(path).filter((r) => r.json?.data?.goal_id === goalId);

  /** Distinct events (by event_id) of a goal a path accepted. */
  function eventsAt(path: string, goalId: string): Map<string, ReceivedRequest> {
    const byEvent = new Map<string, ReceivedRequest>();
    for (const r of ofGoal(path, goalId))
      if (!byEvent.has(String(r.json.event_id))) byEvent.set(String(r.json.event_id), r);
    return byEvent;
  }

  /**
   * Waits until a path holds as many of the goal's events as its log has of `patterns`
   * (the log read again each time: events may follow the goal's end), then asserts the
   * types match exactly. Returns the log's events and the received ones.
   */
  async function expectGoalEventsAt(
    client: ApiClient,
    path: string,
    goalId: string,
    patterns: string[],
    after = 0,
  ): Promise<{ expected: GoalEvent[]; received: ReceivedRequest[] }> {
    const expectedOf = (log: GoalEvent[]) =>
      log.filter(
        (e) => e.id > after && eventTypes.includes(e.type) && subscribed(e.type, patterns),
      );
    try {
      await waitFor(
        async () => {
          const expected = expectedOf(await goalLog(client, goalId));
          return eventsAt(path, goalId).size >= expected.length && expected.length > 0;
        },
        { what: `the goal's events at ${path}`, timeoutMs: 30_000, intervalMs: 250 },
      );
      // a late duplicate or a stray event would show here
      await new Promise((r) => setTimeout(r, 500));
    } catch {
      // the assertions below show what is missing
    }
    const expected = expectedOf(await goalLog(client, goalId));
    const received = [...eventsAt(path, goalId).values()];
    expect(sorted(received.map((r) => r.json.event_type))).toEqual(
      sorted(expected.map((e) => e.type)),
    );
    // each received event is one event of the log (one to one): its type, time and data
    const unmatched = [...expected];
    for (const r of received) {
      const at = unmatched.findIndex(
        (e) =>
          e.type === r.json.event_type &&
          Math.abs(Date.parse(e.created_at) - Date.parse(r.json.timestamp)) <= 1 &&
          r.json.data.goal_id === goalId &&
          (e.task_id ?? e.data.task_id ?? undefined) === (r.json.data.task_id ?? undefined) &&
          Object.entries(e.data).every(([k, v]) => isDeepStrictEqual(r.json.data[k], v)),
      );
      expect([r.json.event_type, r.json.timestamp, JSON.stringify(r.json.data), at >= 0]).toEqual([
        r.json.event_type,
        r.json.timestamp,
        JSON.stringify(r.json.data),
        true,
      ]);
      unmatched.splice(at, 1);
    }
    return { expected, received };
  }

  /**
   * A delivery with its attempts as `log` (the detail lists them as `attempts`, or as
   * `attempt_log` beside the count).
   */
  async function delivery(client: ApiClient, endpointId: string, deliveryId: string) {
    const res = await client.get(`/api/v1/webhooks/${endpointId}/deliveries/${deliveryId}`);
    expect(res.status).toBe(200);
    return { ...res.body, log: attemptLog(res.body) };
  }

  /** Polls a delivery until `done` holds. */
  async function deliveryWhen(
    client: ApiClient,
    endpointId: string,
    deliveryId: string,
    done: (d: Json) => boolean,
    what: string,
  ): Promise<Json> {
    let last: Json;
    try {
      return await waitFor(
        async () => {
          last = await delivery(client, endpointId, deliveryId);
          return done(last) ? last : undefined;
        },
        { what, timeoutMs: 30_000, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`, {
        cause: error,
      });
    }
  }

  async function sendTest(client: ApiClient, endpointId: string): Promise<string> {
    const res = await client.post(`/api/v1/webhooks/${endpointId}/test`);
    expect(res.status).toBe(202);
    // the answer is the new delivery
    const id = res.body.id;
    expect(typeof id).toBe('string');
    return id as string;
  }

  async function endpointWhen(
    client: ApiClient,
    id: string,
    status: string,
    what: string,
  ): Promise<Json> {
    let last: Json;
    try {
      return await waitFor(
        async () => {
          last = (await client.get(`/api/v1/webhooks/${id}`)).body;
          return last?.status === status ? last : undefined;
        },
        { what, timeoutMs: 30_000, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`, {
        cause: error,
      });
    }
  }

  it('lists the event types and their categories', async () => {
    const res = await root.get('/api/v1/webhooks/event-types');
    expect(eventTypes).toEqual(
      expect.arrayContaining([
        'goal.created',
        'goal.status',
        'goal.completed',
        'goal.failed',
        'plan.created',
        'task.started',
        'task.completed',
        'agent.assigned',
        'auth.logged_in',
        'session.created',
        'user.created',
        'user.updated',
        'user.deleted',
        'system.startup',
        'webhook.disabled',
        'webhook.test',
      ]),
    );
    expect(res.body.categories).toEqual(
      expect.arrayContaining(['goal', 'task', 'plan', 'agent', 'user', 'webhook']),
    );
  });

  it("delivers a goal's events signed: each verifies, has the payload's shape, and the set equals the goal's event log", async () => {
    const { tenantId, client } = await tenantAdmin('signed');
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/a'),
      events: ['*'],
      name: 'everything',
      description: 'all events',
    });
    expect(endpoint).toMatchObject({
      url: receiver.url('/a'),
      events: ['*'],
      name: 'everything',
      description: 'all events',
      status: 'ACTIVE',
      standard_webhooks: false,
      consecutive_failures: 0,
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(typeof endpoint.id).toBe('string');

    const goalId = await submitGoal(client, 'WH-SIGNED: write two parts');
    await finishGoal(client, goalId);
    const { received } = await expectGoalEventsAt(client, '/a', goalId, ['*']);
    expect(received.map((r) => r.json.event_type)).toEqual(
      expect.arrayContaining(['goal.created', 'task.completed', 'goal.completed']),
    );

    const all = receiver.at('/a').filter((r) => r.json?.data?.goal_id === goalId);
    for (const r of all) {
      const what = `${r.json.event_type} ${r.deliveryId}`;
      expect([what, verifyReceived(r, endpoint.secret)]).toEqual([what, true]);
      expect(verifyReceived(r, `${endpoint.secret}x`)).toBe(false);
      expect(
        verifyWebhook(
          r.body.replace('"', ' "'),
          headerOf(r, 'x-webhook-signature'),
          headerOf(r, 'x-webhook-timestamp'),
          endpoint.secret,
        ),
      ).toBe(false);
      expect(r.method).toBe('POST');
      expect(headerOf(r, 'content-type')).toMatch(/^application\/json/);
      expect(headerOf(r, 'user-agent')).toBe('AgentVillage-Webhook/1.0');
      expect(headerOf(r, 'x-webhook-event')).toBe(r.json.event_type);
      expect(headerOf(r, 'x-webhook-signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(r.deliveryId).toBeTruthy();
      const ts = Number(headerOf(r, 'x-webhook-timestamp'));
      expect(Math.abs(ts - r.receivedAt / 1000)).toBeLessThanOrEqual(5);
      expect(Object.keys(r.json).sort()).toEqual(PAYLOAD_KEYS);
      expect(r.json.tenant_id).toBe(tenantId);
      expect(new Date(r.json.timestamp).toISOString()).toBeTruthy();
      // the old timestamp is refused by the published verify function
      expect(
        verifyWebhook(
          r.body,
          headerOf(r, 'x-webhook-signature'),
          String(ts - 301),
          endpoint.secret,
        ),
      ).toBe(false);
    }
    // the standard headers only when asked for
    expect(all.some((r) => headerOf(r, 'webhook-signature') !== '')).toBe(false);

    // the delivery log says the same as the receiver
    const completed = received.find((r) => r.json.event_type === 'goal.completed')!;
    const page = await client.get(
      `/api/v1/webhooks/${endpoint.id}/deliveries?event_type=goal.completed`,
    );
    expect(page.status).toBe(200);
    const item = page.body.items.find(
      (d: { event_id: string }) => String(d.event_id) === String(completed.json.event_id),
    );
    expect(item).toMatchObject({
      id: completed.deliveryId,
      endpoint_id: endpoint.id,
      event_type: 'goal.completed',
      status: 'DELIVERED',
      attempts: 1,
      last_response_status: 200,
    });
    expect(item.delivered_at).toBeTruthy();
    const detail = await delivery(client, endpoint.id, completed.deliveryId!);
    expect(detail.payload).toEqual(completed.json);
    expect(detail.log).toHaveLength(1);
    expect(detail.log[0]).toMatchObject({ attempt: 1, response_status: 200 });
    expect(detail.log[0].response_body).toContain('ok');
    expect(typeof detail.log[0].duration_ms).toBe('number');
  });

  it('sends each endpoint exactly what its patterns and filters match', async () => {
    const { tenantId, client } = await tenantAdmin('filters');
    const goalStar = await createEndpoint(client, {
      url: receiver.url('/b/goal-star'),
      events: ['goal.*'],
    });
    const taskCompleted = await createEndpoint(client, {
      url: receiver.url('/b/task-completed'),
      events: ['task.completed'],
    });
    const alphaTasks = await createEndpoint(client, {
      url: receiver.url('/b/alpha'),
      events: ['task.*'],
      filters: { task_key: ['alpha', 'gamma'] },
    });
    expect(alphaTasks.filters).toEqual({ task_key: ['alpha', 'gamma'] });
    const usersOnly = await createEndpoint(client, {
      url: receiver.url('/b/users'),
      events: ['user.created'],
    });

    // goal X waits in its first model call while the endpoint filtered on it is made
    const x = await submitGoal(client, 'WH-SLOW-START: goal X');
    await waitFor(
      () =>
        llm.chatRequests().some((r) => is('intent_analyzer', 'WH-SLOW-START: goal X')(r.body)) ||
        undefined,
      { what: "goal X's first model call", timeoutMs: 30_000 },
    );
    const onlyX = await createEndpoint(client, {
      url: receiver.url('/b/only-x'),
      events: ['*'],
      filters: { goal_id: x },
    });
    const boundary = Math.max(...(await goalLog(client, x)).map((e) => e.id));
    const y = await submitGoal(client, 'WH-FILTERS: goal Y');
    await finishGoal(client, x);
    await finishGoal(client, y);

    for (const goal of [x, y]) {
      await expectGoalEventsAt(client, '/b/goal-star', goal, ['goal.*']);
      await expectGoalEventsAt(client, '/b/task-completed', goal, ['task.completed']);
    }
    await expectGoalEventsAt(client, '/b/only-x', x, ['*'], boundary);
    expect(ofGoal('/b/only-x', y)).toEqual([]);
    expect(receiver.delivered('/b/only-x').filter((r) => r.json?.data?.goal_id !== x)).toHaveLength(
      0,
    );

    // task events of the alpha task only, of both goals
    for (const goal of [x, y]) {
      const log = (await goalLog(client, goal)).filter(
        (e) =>
          e.type.startsWith('task.') && eventTypes.includes(e.type) && e.data.task_key === 'alpha',
      );
      const got = [...eventsAt('/b/alpha', goal).values()];
      expect(sorted(got.map((r) => r.json.event_type))).toEqual(sorted(log.map((e) => e.type)));
      expect(got.every((r) => r.json.data.task_key === 'alpha')).toBe(true);
      expect(log.length).toBeGreaterThan(0);
    }
    expect(receiver.delivered('/b/alpha').every((r) => r.json.data.task_key === 'alpha')).toBe(
      true,
    );
    // nothing but the subscribed types at all
    expect(
      receiver.delivered('/b/goal-star').every((r) => r.json.event_type.startsWith('goal.')),
    ).toBe(true);
    expect(
      receiver.delivered('/b/task-completed').every((r) => r.json.event_type === 'task.completed'),
    ).toBe(true);

    // a user event reaches the endpoint for it, and only that
    expect(receiver.delivered('/b/users')).toEqual([]);
    const created = await client.post('/api/v1/users', {
      email: `someone@${tenantId}.test`,
      display_name: 'someone',
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    const [userEvent] = await receiver.until(
      () => (receiver.delivered('/b/users').length ? receiver.delivered('/b/users') : undefined),
      { what: 'the user.created delivery' },
    );
    expect(userEvent.json).toMatchObject({ event_type: 'user.created', tenant_id: tenantId });
    expect(verifyReceived(userEvent, usersOnly.secret)).toBe(true);
    expect(JSON.stringify(userEvent.json.data)).toContain(created.body.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.delivered('/b/users')).toHaveLength(1);
    expect(
      receiver.delivered('/b/goal-star').some((r) => r.json.event_type === 'user.created'),
    ).toBe(false);
    for (const e of [goalStar, taskCompleted, onlyX])
      expect((await client.get(`/api/v1/webhooks/${e.id}`)).body.status).toBe('ACTIVE');
  });

  it('an outage (500, 500, then 200) is retried: the delivery arrives once, with its three attempts recorded', async () => {
    const { client } = await tenantAdmin('outage');
    receiver.script('/c', [{ status: 500 }, { status: 500, body: 'still down' }], {
      status: 200,
      body: 'finally',
    });
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/c'),
      events: ['goal.completed'],
    });
    const deliveryId = await sendTest(client, endpoint.id);
    const done = await deliveryWhen(
      client,
      endpoint.id,
      deliveryId,
      (d) => d.status === 'DELIVERED',
      'the delivery to succeed at the third attempt',
    );
    const requests = receiver.at('/c');
    expect(requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(requests.map((r) => r.deliveryId))).toEqual(new Set([deliveryId]));
    expect(receiver.delivered('/c')).toHaveLength(1);
    for (const r of requests) expect(verifyReceived(r, endpoint.secret)).toBe(true);
    expect(requests.every((r) => r.body === requests[0].body)).toBe(true);
    expect(requests[0].json.event_type).toBe('webhook.test');
    expect(done.log).toHaveLength(3);
    expect(done.log.map((a: Json) => [a.attempt, a.response_status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(done.log[1].response_body).toContain('still down');
    expect(done.last_response_status).toBe(200);
    // the retries waited for the schedule (1 and 2 minutes, scaled by 0.001)
    expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(40);
    expect(requests[2].receivedAt - requests[1].receivedAt).toBeGreaterThanOrEqual(80);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at('/c')).toHaveLength(3);
  });

  it('an endpoint that keeps failing goes FAILED and a 410 DISABLED; the other endpoints hear webhook.disabled', async () => {
    const { tenantId, client } = await tenantAdmin('disable');
    receiver.script('/d/fail', [], { status: 500 });
    receiver.script('/d/gone', [], { status: 410 });
    const watcher = await createEndpoint(client, {
      url: receiver.url('/d/watch'),
      events: ['webhook.disabled'],
    });
    const failing = await createEndpoint(client, {
      url: receiver.url('/d/fail'),
      events: ['goal.completed'],
    });
    const gone = await createEndpoint(client, {
      url: receiver.url('/d/gone'),
      events: ['goal.completed'],
    });

    const expired: string[] = [];
    for (let i = 0; i < DISABLE_AFTER; i++) {
      const id = await sendTest(client, failing.id);
      const d = await deliveryWhen(
        client,
        failing.id,
        id,
        (x) => x.status === 'EXPIRED',
        'the delivery to use up its attempts',
      );
      // WEBHOOK_MAX_RETRIES defaults to 5: six attempts in all
      expect(d.log).toHaveLength(6);
      expired.push(id);
    }
    const failed = await endpointWhen(client, failing.id, 'FAILED', 'the endpoint to go FAILED');
    expect(failed.consecutive_failures).toBe(DISABLE_AFTER);
    expect(receiver.at('/d/fail')).toHaveLength(6 * DISABLE_AFTER);
    const list = (await client.get(`/api/v1/webhooks/${failing.id}/deliveries?status=EXPIRED`))
      .body;
    expect(sorted(list.items.map((d: Json) => d.id))).toEqual(sorted(expired));
    expect(list.items.every((d: Json) => d.attempts === 6)).toBe(true);

    const [failedNotice] = await receiver.until(
      () => {
        const got = receiver
          .delivered('/d/watch')
          .filter((r) => r.json?.data?.webhook_id === failing.id);
        return got.length ? got : undefined;
      },
      { what: 'webhook.disabled for the FAILED endpoint' },
    );
    expect(failedNotice.json).toMatchObject({
      event_type: 'webhook.disabled',
      tenant_id: tenantId,
      data: { webhook_id: failing.id, status: 'FAILED' },
    });
    expect(typeof failedNotice.json.data.reason).toBe('string');
    expect(verifyReceived(failedNotice, watcher.secret)).toBe(true);

    await sendTest(client, gone.id);
    const disabled = await endpointWhen(client, gone.id, 'DISABLED', 'a 410 to disable it');
    expect(disabled.status).toBe('DISABLED');
    const [goneNotice] = await receiver.until(
      () => {
        const got = receiver
          .delivered('/d/watch')
          .filter((r) => r.json?.data?.webhook_id === gone.id);
        return got.length ? got : undefined;
      },
      { what: 'webhook.disabled for the 410 endpoint' },
    );
    expect(goneNotice.json.data).toMatchObject({ webhook_id: gone.id, status: 'DISABLED' });
    expect(verifyReceived(goneNotice, watcher.secret)).toBe(true);
    // a 410 is not retried
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/d/gone')).toHaveLength(1);
    // the disabled endpoints heard nothing of it themselves
    expect(receiver.at('/d/fail').some((r) => r.json?.event_type === 'webhook.disabled')).toBe(
      false,
    );

    // resume revives both and zeroes the count
    receiver.script('/d/fail', []);
    const revived = await client.post(`/api/v1/webhooks/${failing.id}/resume`);
    expect(revived.status).toBe(200);
    expect(revived.body).toMatchObject({ status: 'ACTIVE', consecutive_failures: 0 });
    const back = await client.post(`/api/v1/webhooks/${gone.id}/resume`);
    expect(back.body.status).toBe('ACTIVE');
    const after = await sendTest(client, failing.id);
    await deliveryWhen(client, failing.id, after, (d) => d.status === 'DELIVERED', 'delivery');
  });

  it('kill -9 of the worker with deliveries pending: afterwards every event arrived, each under one delivery id', async () => {
    const { client } = await tenantAdmin('crash');
    const patterns = ['goal.*', 'task.*', 'plan.*', 'agent.*'];
    receiver.script('/e', [], { status: 200, delayMs: 250 });
    const endpoint = await createEndpoint(client, { url: receiver.url('/e'), events: patterns });
    const goalId = await submitGoal(client, 'WH-SLOW-WORK: crash drill');
    await receiver.until(() => receiver.at('/e').length >= 2 || undefined, {
      what: 'the first deliveries',
    });
    await worker.kill();
    const beforeRestart = receiver.delivered('/e').length;
    worker = await startWorker();
    await finishGoal(client, goalId);
    const { expected, received } = await expectGoalEventsAt(client, '/e', goalId, patterns);
    expect(expected.length).toBeGreaterThan(beforeRestart);

    // every event under exactly one delivery id, accepted at least once
    const idsByEvent = idsByEventOf(receiver.at('/e'), goalId);
    expect(idsByEvent.size).toBe(expected.length);
    expect([...idsByEvent.entries()].filter(([, ids]) => ids.size !== 1)).toEqual([]);
    expect(received).toHaveLength(expected.length);
    for (const r of receiver.at('/e')) expect(verifyReceived(r, endpoint.secret)).toBe(true);
    // a delivery the killed worker sent but could not record is sent again (same id) once its
    // claim expires, and then recorded
    const page = await waitFor(
      async () => {
        const body = (await client.get(`/api/v1/webhooks/${endpoint.id}/deliveries?limit=100`))
          .body;
        return body.items.every((d: Json) => d.status === 'DELIVERED') ? body : undefined;
      },
      { what: 'every delivery recorded as DELIVERED', timeoutMs: 60_000, intervalMs: 500 },
    ).catch(
      async () => (await client.get(`/api/v1/webhooks/${endpoint.id}/deliveries?limit=100`)).body,
    );
    expect(page.total).toBe(expected.length);
    expect(page.items.filter((d: Json) => d.status !== 'DELIVERED')).toEqual([]);
    // each event still under one delivery id after the resends
    expect(
      [...idsByEventOf(receiver.at('/e'), goalId).values()].filter((ids) => ids.size !== 1),
    ).toEqual([]);
  });

  it('secret rotation: during the window a receiver holding only the old or only the new secret verifies', async () => {
    const { client } = await tenantAdmin('rotation');
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/f'),
      events: ['goal.completed'],
      standard_webhooks: true,
    });
    expect(endpoint.standard_webhooks).toBe(true);
    const oldSecret = endpoint.secret as string;
    const firstId = await sendTest(client, endpoint.id);
    const [first] = await receiver.until(
      () => (receiver.delivered('/f').length ? receiver.delivered('/f') : undefined),
      { what: 'the delivery before rotation' },
    );
    expect(first.deliveryId).toBe(firstId);
    expect(headerOf(first, 'x-webhook-signature')).not.toContain(',');
    expect(verifyReceived(first, oldSecret)).toBe(true);
    expect(headerOf(first, 'webhook-id')).toBe(firstId);
    expect(headerOf(first, 'webhook-timestamp')).toBe(headerOf(first, 'x-webhook-timestamp'));
    expect(headerOf(first, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyReceivedStandard(first, oldSecret)).toBe(true);

    const rotated = await client.post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect([200, 201]).toContain(rotated.status);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.id).toBe(endpoint.id);
    const expires = Date.parse(rotated.body.previous_secret_expires_at);
    expect(Math.abs(expires - (Date.now() + 1440 * 60_000))).toBeLessThan(5 * 60_000);

    const secondId = await sendTest(client, endpoint.id);
    const second = await receiver.until(
      () => receiver.delivered('/f').find((r) => r.deliveryId === secondId),
      { what: 'the delivery after rotation' },
    );
    const signature = headerOf(second, 'x-webhook-signature');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}$/);
    const ts = headerOf(second, 'x-webhook-timestamp');
    expect(verifyWebhook(second.body, signature, ts, oldSecret)).toBe(true);
    expect(verifyWebhook(second.body, signature, ts, newSecret)).toBe(true);
    expect(
      verifyWebhook(second.body, signature, ts, `whsec_${randomBytes(24).toString('base64')}`),
    ).toBe(false);
    // the new secret's value comes first
    expect(verifyWebhook(second.body, signature.split(',')[0], ts, newSecret)).toBe(true);
    const standard = headerOf(second, 'webhook-signature');
    expect(standard.split(' ')).toHaveLength(2);
    expect(verifyReceivedStandard(second, oldSecret)).toBe(true);
    expect(verifyReceivedStandard(second, newSecret)).toBe(true);
    expect(
      verifyStandardWebhook(
        second.body,
        { id: secondId, timestamp: ts, signature: standard },
        `whsec_${randomBytes(24).toString('base64')}`,
      ),
    ).toBe(false);

    const read = await client.get(`/api/v1/webhooks/${endpoint.id}`);
    for (const secret of [oldSecret, newSecret])
      expect(JSON.stringify(read.body)).not.toContain(secret);
  });

  it('refuses endpoints at addresses it must not reach; a DNS name for loopback and a redirect to it never connect', async () => {
    const { client } = await tenantAdmin('ssrf');
    const refusals: Refusals = [];
    // https, so what refuses these is the address, not the scheme
    for (const [url, addressClass] of [
      [`https://127.0.0.1:${counting.port}/hook`, '127.0.0.1 is a loopback address'],
      ['https://[::1]/hook', 'is a loopback address'],
      ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a metadata address'],
      ['https://10.0.0.1/hook', '10.0.0.1 is a private address'],
    ]) {
      const res = await client.post('/api/v1/webhooks', {
        url,
        events: ['goal.completed'],
        name: 'bad',
      });
      expectRefused(res, 'url', url, refusals);
      expect([url, urlRefusalMessage(res)]).toEqual([
        url,
        expect.stringContaining(`is not reachable from here: refused: `),
      ]);
      expect([url, urlRefusalMessage(res)]).toEqual([url, expect.stringContaining(addressClass)]);
    }
    for (const url of [
      `http://127.0.0.1:${counting.port}/hook`,
      'http://example.com/hook',
      'ftp://example.com/hook',
      'not a url',
    ]) {
      const res = await client.post('/api/v1/webhooks', {
        url,
        events: ['goal.completed'],
        name: 'bad',
      });
      expectRefused(res, 'url', url, refusals);
    }

    // a name that resolves to loopback: accepted or refused, it must never be connected to
    const byName = await client.post('/api/v1/webhooks', {
      url: `https://localhost:${counting.port}/hook`,
      events: ['goal.completed'],
      name: 'loopback by name',
    });
    expect([201, 400]).toContain(byName.status);
    if (byName.status === 201) {
      const id = await sendTest(client, byName.body.id);
      const d = await deliveryWhen(
        client,
        byName.body.id,
        id,
        (x) => x.log?.length >= 1,
        'the first attempt at the loopback name',
      );
      expect(d.status).not.toBe('DELIVERED');
      expect(d.log[0].error).toBeTruthy();
      expect(d.log[0].response_status ?? null).toBeNull();
    } else expectRefused(byName, 'url', 'https://localhost', refusals);

    receiver.script('/g/redirect', [], {
      status: 302,
      headers: { location: `http://localhost:${counting.port}/stolen` },
    });
    const redirecting = await createEndpoint(client, {
      url: receiver.url('/g/redirect'),
      events: ['goal.completed'],
    });
    const id = await sendTest(client, redirecting.id);
    const d = await deliveryWhen(
      client,
      redirecting.id,
      id,
      (x) => x.log?.length >= 2,
      'two attempts at the redirecting endpoint',
    );
    expect(d.status).not.toBe('DELIVERED');
    expect(d.log[0].response_status).toBe(302);
    await new Promise((r) => setTimeout(r, 1000));
    expect(counting.connections).toBe(0);
    expect(counting.requests).toHaveLength(0);
    // refusals answer 400 validation-failed
    expect(refusals.filter(([, status]) => status !== 400)).toEqual([]);
  });

  it('pause holds pending deliveries and creates none; resume sends them', async () => {
    const { tenantId, client } = await tenantAdmin('pause');
    // the first attempt takes a while and fails: the endpoint is paused meanwhile
    receiver.script('/h/pause', [{ status: 500, delayMs: 1500 }]);
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/h/pause'),
      events: ['user.created'],
    });
    const deliveryId = await sendTest(client, endpoint.id);
    await receiver.until(() => receiver.at('/h/pause').length === 1 || undefined, {
      what: 'the first attempt',
    });
    const paused = await client.post(`/api/v1/webhooks/${endpoint.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('PAUSED');
    const waiting = await deliveryWhen(
      client,
      endpoint.id,
      deliveryId,
      (d) => d.log?.length === 1,
      'the failed attempt to be recorded',
    );
    expect(['PENDING', 'RETRYING']).toContain(waiting.status);
    // an event while paused makes no delivery for it
    const user = await client.post('/api/v1/users', {
      email: `paused@${tenantId}.test`,
      display_name: 'paused',
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.at('/h/pause')).toHaveLength(1);
    const whilePaused = (await client.get(`/api/v1/webhooks/${endpoint.id}/deliveries`)).body;
    expect(whilePaused.items.map((d: Json) => d.id)).toEqual([deliveryId]);

    const resumed = await client.post(`/api/v1/webhooks/${endpoint.id}/resume`);
    expect(resumed.body.status).toBe('ACTIVE');
    const done = await deliveryWhen(
      client,
      endpoint.id,
      deliveryId,
      (d) => d.status === 'DELIVERED',
      'the held delivery after resume',
    );
    expect(done.log).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.delivered('/h/pause').map((r) => r.deliveryId)).toEqual([deliveryId]);
  });

  it('a receiver that does not answer within WEBHOOK_TIMEOUT_MS (5 s here): the attempt is recorded as a timeout and retried', async () => {
    const { client } = await tenantAdmin('timeout');
    receiver.script('/t/timeout', [{ hang: true }], { status: 200, body: 'back' });
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/t/timeout'),
      events: ['goal.completed'],
    });
    const deliveryId = await sendTest(client, endpoint.id);
    const done = await deliveryWhen(
      client,
      endpoint.id,
      deliveryId,
      (d) => d.status === 'DELIVERED',
      'the retry after the timed-out attempt',
    );
    expect(done.log.map((a: Json) => [a.attempt, a.response_status])).toEqual([
      [1, null],
      [2, 200],
    ]);
    expect(done.log[0].error).toMatch(/did not answer in time/);
    expect(done.log[0].response_body ?? null).toBeNull();
    // the sender gave up at the timeout, not before and not much later
    expect(done.log[0].duration_ms).toBeGreaterThanOrEqual(4900);
    expect(done.log[0].duration_ms).toBeLessThan(9000);
    const requests = receiver.at('/t/timeout');
    expect(requests.map((r) => r.deliveryId)).toEqual([deliveryId, deliveryId]);
    expect(requests[0].answered).toBeUndefined();
  });

  it("keeps only the first 1024 characters of a receiver's answer", async () => {
    const { client } = await tenantAdmin('large');
    const large = Array.from({ length: 20_000 }, (_, i) => `${i},`).join('');
    expect(large.length).toBeGreaterThan(100_000);
    receiver.script('/t/large', [{ status: 500, body: large }], { status: 200, body: large });
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/t/large'),
      events: ['goal.completed'],
    });
    const deliveryId = await sendTest(client, endpoint.id);
    const done = await deliveryWhen(
      client,
      endpoint.id,
      deliveryId,
      (d) => d.status === 'DELIVERED',
      'the delivery after a failed attempt with a large answer',
    );
    expect(done.log).toHaveLength(2);
    for (const attempt of done.log) {
      expect(attempt.response_body).toHaveLength(1024);
      expect(large.startsWith(attempt.response_body)).toBe(true);
    }
  });

  it("a platform administrator pauses and resumes another tenant's endpoint; the tenant sees it and no delivery is made meanwhile", async () => {
    const { tenantId, slug, client } = await tenantAdmin('admin-pause');
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/h/admin-pause'),
      events: ['user.created'],
    });
    const path = `/api/v1/admin/webhooks/${endpoint.id}`;
    // a tenant's administrator may not use the platform's routes, even on its own endpoint
    expect((await client.post(`${path}/pause`)).status).toBe(403);
    expect((await client.post(`${path}/resume`)).status).toBe(403);

    const paused = await root.post(`${path}/pause`);
    expect([paused.status, paused.body.status, paused.body.tenant_id]).toEqual([
      200,
      'PAUSED',
      tenantId,
    ]);
    expect((await client.get(`/api/v1/webhooks/${endpoint.id}`)).body.status).toBe('PAUSED');
    const whilePaused = await client.post('/api/v1/users', {
      email: `while-paused@${slug}.test`,
      display_name: 'while paused',
      password: PASSWORD,
    });
    expect(whilePaused.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at('/h/admin-pause')).toHaveLength(0);
    expect((await client.get(`/api/v1/webhooks/${endpoint.id}/deliveries`)).body.items).toEqual([]);

    const resumed = await root.post(`${path}/resume`);
    expect([resumed.status, resumed.body.status]).toEqual([200, 'ACTIVE']);
    expect((await client.get(`/api/v1/webhooks/${endpoint.id}`)).body.status).toBe('ACTIVE');
    const afterResume = await client.post('/api/v1/users', {
      email: `after-resume@${slug}.test`,
      display_name: 'after resume',
      password: PASSWORD,
    });
    expect(afterResume.status).toBe(201);
    await receiver.until(() => receiver.delivered('/h/admin-pause').length >= 1 || undefined, {
      what: 'the event after resume',
    });
    await new Promise((r) => setTimeout(r, 500));
    const received = receiver.delivered('/h/admin-pause');
    expect(received.map((r) => r.json.event_type)).toEqual(['user.created']);
    expect(JSON.stringify(received[0].json.data)).toContain(afterResume.body.id);

    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await root.post(`/api/v1/admin/webhooks/${unknown}/pause`)).status).toBe(404);
    expect((await root.post(`/api/v1/admin/webhooks/${unknown}/resume`)).status).toBe(404);
  });

  it('the test event goes to that endpoint only; redelivery is a new delivery of the same event; stats add up', async () => {
    const { client } = await tenantAdmin('stats');
    const listener = await createEndpoint(client, {
      url: receiver.url('/h/everything'),
      events: ['*'],
    });
    receiver.script('/h/stats', [{ status: 200 }, { status: 204 }], { status: 503 });
    const endpoint = await createEndpoint(client, {
      url: receiver.url('/h/stats'),
      events: ['goal.completed'],
    });
    const sent = await client.post(`/api/v1/webhooks/${endpoint.id}/test`);
    expect(sent.status).toBe(202);
    const firstId = sent.body.id as string;
    const first = await deliveryWhen(
      client,
      endpoint.id,
      firstId,
      (d) => d.status === 'DELIVERED',
      'the test event',
    );
    const [received] = receiver.delivered('/h/stats');
    expect(received.deliveryId).toBe(firstId);
    expect(received.json.event_type).toBe('webhook.test');
    expect(headerOf(received, 'x-webhook-event')).toBe('webhook.test');
    expect(verifyReceived(received, endpoint.secret)).toBe(true);
    expect(first.event_id).toBe(received.json.event_id);

    const again = await client.post(
      `/api/v1/webhooks/${endpoint.id}/deliveries/${firstId}/redeliver`,
    );
    expect(again.status).toBe(202);
    const secondId = again.body.id as string;
    expect(secondId).toBeTruthy();
    expect(secondId).not.toBe(firstId);
    const redelivered = await receiver.until(
      () => receiver.delivered('/h/stats').find((r) => r.deliveryId === secondId),
      { what: 'the redelivery' },
    );
    expect(redelivered.json.event_id).toBe(received.json.event_id);
    expect(redelivered.json.data).toEqual(received.json.data);
    expect(verifyReceived(redelivered, endpoint.secret)).toBe(true);
    await deliveryWhen(
      client,
      endpoint.id,
      secondId,
      (d) => d.status === 'DELIVERED',
      'redelivery',
    );

    const thirdId = await sendTest(client, endpoint.id);
    await deliveryWhen(
      client,
      endpoint.id,
      thirdId,
      (d) => d.status === 'EXPIRED',
      'the third delivery to expire',
    );
    const stats = await client.get(`/api/v1/webhooks/${endpoint.id}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      total: 3,
      delivered: 2,
      pending: 0,
      retrying: 0,
      expired: 1,
      consecutive_failures: 1,
    });
    expect([2 / 3, 200 / 3].some((v) => Math.abs(stats.body.success_rate - v) < 0.01)).toBe(true);
    expect(stats.body.average_response_ms).toBeGreaterThanOrEqual(0);
    for (const at of ['last_delivery_at', 'last_success_at', 'last_failure_at'])
      expect(Number.isNaN(Date.parse(stats.body[at]))).toBe(false);

    const page = (q: string) => client.get(`/api/v1/webhooks/${endpoint.id}/deliveries${q}`);
    expect((await page('?status=DELIVERED')).body.items).toHaveLength(2);
    expect((await page('?status=EXPIRED')).body.items.map((d: Json) => d.id)).toEqual([thirdId]);
    expect((await page('?event_type=webhook.test')).body.total).toBe(3);
    expect((await page('?event_type=goal.completed')).body.total).toBe(0);
    const one = (await page('?limit=1&offset=1')).body;
    expect([one.items.length, one.total, one.limit, one.offset]).toEqual([1, 3, 1, 1]);

    // the other endpoint heard no test event
    expect(
      receiver.at('/h/everything').filter((r) => r.json?.event_type === 'webhook.test'),
    ).toEqual([]);
    expect(listener.status).toBe('ACTIVE');
    // the test route answers the new delivery
    expect(sent.body).toMatchObject({ event_type: 'webhook.test', status: expect.any(String) });
  });

  it('CRUD: secrets only at creation and rotation, changes validated, deletion, paging', async () => {
    const { tenantId, client } = await tenantAdmin('crud');
    const refusals: Refusals = [];
    const created = await createEndpoint(client, {
      url: receiver.url('/h/crud'),
      events: ['goal.completed', 'task.*'],
      name: 'crud',
      filters: { task_key: 'alpha' },
    });
    const secret = created.secret as string;
    const read = await client.get(`/api/v1/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    const withoutSecret = { ...created };
    delete withoutSecret.secret;
    expect(read.body).toEqual(withoutSecret);
    expect(Object.keys(read.body)).not.toContain('secret');
    const listed = await client.get('/api/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, offset: 0 });
    expect(listed.body.items.map((e: Json) => e.id)).toEqual([created.id]);
    for (const text of [JSON.stringify(read.body), JSON.stringify(listed.body)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('"secret"');
    }
    // nor stored readable anywhere
    const tables = (
      await queryPostgres<{ table_name: string }>(
        db.url,
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name LIKE '%webhook%'`,
      )
    ).map((t) => t.table_name);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      const rows = await queryPostgres<{ row: string }>(
        db.url,
        `SELECT row_to_json(t)::text AS row FROM "${table}" t`,
      );
      const base64 = secret.replace(/^whsec_/, '');
      expect([table, rows.some((r) => r.row.includes(base64))]).toEqual([table, false]);
    }

    const changed = await client.patch(`/api/v1/webhooks/${created.id}`, {
      name: 'renamed',
      events: ['goal.*'],
      filters: {},
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'renamed', events: ['goal.*'], filters: {} });
    expect(JSON.stringify(changed.body)).not.toContain(secret);
    expectRefused(
      await client.patch(`/api/v1/webhooks/${created.id}`, { url: 'http://10.1.2.3/x' }),
      'url',
      'patch url',
      refusals,
    );
    expectRefused(
      await client.patch(`/api/v1/webhooks/${created.id}`, { events: [] }),
      'events',
      'patch events',
      refusals,
    );

    const post = (body: Record<string, unknown>) =>
      client.post('/api/v1/webhooks', {
        url: receiver.url('/h/crud'),
        events: ['goal.completed'],
        name: 'n',
        ...body,
      });
    expectRefused(await post({ events: [] }), 'events', 'events empty', refusals);
    expectRefused(
      await post({ events: ['no.such_event'] }),
      'events',
      'unknown event type',
      refusals,
    );
    expectRefused(await post({ events: ['nothing.*'] }), 'events', 'unknown category', refusals);
    expectRefused(await post({ filters: 'goal_id' }), 'filters', 'filters a string', refusals);
    expectRefused(await post({ filters: ['goal_id'] }), 'filters', 'filters an array', refusals);
    expectRefused(await post({ url: undefined }), 'url', 'url missing', refusals);

    const removed = await client.delete(`/api/v1/webhooks/${created.id}`);
    expect([200, 204]).toContain(removed.status);
    expect((await client.get(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await client.get('/api/v1/webhooks')).body.total).toBe(0);
    expect((await client.delete(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect(tenantId).toBeTruthy();
    // refusals answer 400 validation-failed
    expect(refusals.filter(([, status]) => status !== 400)).toEqual([]);
  });

  it("keeps tenants apart; a viewer may read but not create; one owner's endpoints are limited", async () => {
    const mine = await tenantAdmin('mine');
    const theirs = await tenantAdmin('theirs');
    const endpoint = await createEndpoint(mine.client, {
      url: receiver.url('/h/isolated'),
      events: ['goal.completed'],
    });
    const deliveryId = await sendTest(mine.client, endpoint.id);
    await deliveryWhen(mine.client, endpoint.id, deliveryId, (d) => d.status === 'DELIVERED', 'x');
    const path = `/api/v1/webhooks/${endpoint.id}`;
    for (const [what, res] of [
      ['get', await theirs.client.get(path)],
      ['patch', await theirs.client.patch(path, { name: 'taken' })],
      ['pause', await theirs.client.post(`${path}/pause`)],
      ['resume', await theirs.client.post(`${path}/resume`)],
      ['rotate', await theirs.client.post(`${path}/rotate-secret`)],
      ['test', await theirs.client.post(`${path}/test`)],
      ['stats', await theirs.client.get(`${path}/stats`)],
      ['deliveries', await theirs.client.get(`${path}/deliveries`)],
      ['delivery', await theirs.client.get(`${path}/deliveries/${deliveryId}`)],
      ['redeliver', await theirs.client.post(`${path}/deliveries/${deliveryId}/redeliver`)],
      ['delete', await theirs.client.delete(path)],
    ] as const)
      expect([what, res.status]).toEqual([what, 404]);
    expect((await theirs.client.get('/api/v1/webhooks')).body.items).toEqual([]);
    const still = await mine.client.get(path);
    expect([still.status, still.body.name, still.body.status]).toEqual([
      200,
      'test endpoint',
      'ACTIVE',
    ]);
    expect(receiver.at('/h/isolated')).toHaveLength(1);

    // the platform's administrators see every tenant's endpoints; a tenant's do not
    const all = await root.get(`/api/v1/admin/webhooks?tenant_id=${mine.tenantId}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: Json) => e.id)).toEqual([endpoint.id]);
    expect(JSON.stringify(all.body)).not.toContain('whsec_');
    const byStatus = async (status: string) =>
      (
        await root.get(`/api/v1/admin/webhooks?tenant_id=${mine.tenantId}&status=${status}`)
      ).body.items.map((e: Json) => e.id);
    expect(await byStatus('ACTIVE')).toEqual([endpoint.id]);
    expect(await byStatus('PAUSED')).toEqual([]);
    expect((await mine.client.get('/api/v1/admin/webhooks')).status).toBe(403);
    const ownTenant = await root.get(
      '/api/v1/admin/webhooks?tenant_id=00000000-0000-0000-0000-000000000001',
    );
    expect(ownTenant.status).toBe(200);

    const slug = mine.slug;
    const viewer = await signIn(mine.tenantId, slug, `viewer@${slug}.test`, 'viewer');
    const refused = await viewer.post('/api/v1/webhooks', {
      url: receiver.url('/h/viewer'),
      events: ['goal.completed'],
      name: 'viewer',
    });
    expect(refused.status).toBe(403);
    const seen = await viewer.get('/api/v1/webhooks');
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((e: Json) => e.id)).toEqual([endpoint.id]);
    expect((await viewer.post(`${path}/pause`)).status).toBe(403);

    // a developer (plain webhook permissions, no elevated session) up to the limit
    const developer = await signIn(mine.tenantId, slug, `dev@${slug}.test`, 'developer');
    for (let i = 0; i < MAX_PER_OWNER; i++)
      await createEndpoint(developer, {
        url: receiver.url(`/h/limit/${i}`),
        events: ['goal.completed'],
      });
    const over = await developer.post('/api/v1/webhooks', {
      url: receiver.url('/h/limit/over'),
      events: ['goal.completed'],
      name: 'one too many',
    });
    expect([409, 429]).toContain(over.status);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    // another owner in the same tenant is not held by the developer's count
    await createEndpoint(mine.client, { url: receiver.url('/h/other'), events: ['user.created'] });
  });

  it('a developer may read but not change, pause, rotate or delete the endpoint of a user holding more (403)', async () => {
    const mine = await tenantAdmin('reach');
    const endpoint = await createEndpoint(mine.client, {
      url: receiver.url('/h/admins'),
      events: ['user.*'],
    });
    const slug = mine.slug;
    const developer = await signIn(mine.tenantId, slug, `dev@${slug}.test`, 'developer');
    const path = `/api/v1/webhooks/${endpoint.id}`;
    expect((await developer.get(path)).status).toBe(200);
    for (const [what, res] of [
      ['patch', await developer.patch(path, { url: receiver.url('/h/taken') })],
      ['pause', await developer.post(`${path}/pause`)],
      ['resume', await developer.post(`${path}/resume`)],
      ['rotate', await developer.post(`${path}/rotate-secret`)],
      ['delete', await developer.delete(path)],
    ] as const) {
      expect([what, res.status, res.body.type]).toEqual([
        what,
        403,
        expect.stringMatching(/\/forbidden-principal$/),
      ]);
      expect(JSON.stringify(res.body)).not.toContain('whsec_');
    }
    const still = await mine.client.get(path);
    expect([still.status, still.body.url, still.body.status]).toEqual([
      200,
      receiver.url('/h/admins'),
      'ACTIVE',
    ]);
    expect(still.body.previous_secret_expires_at).toBeNull();

    // the administrator still manages the developer's endpoints
    const theirs = await createEndpoint(developer, {
      url: receiver.url('/h/devs'),
      events: ['goal.completed'],
    });
    // security events are audit material: a developer, who may not read the audit log,
    // subscribes to none of them, at creation or by a change
    for (const events of [['*'], ['auth.*'], ['goal.completed', 'user.created'], ['session.*']]) {
      const refused = await developer.post('/api/v1/webhooks', {
        name: 'security',
        url: receiver.url('/h/security'),
        events,
      });
      expect([events, refused.status, refused.body.type]).toEqual([
        events,
        403,
        expect.stringMatching(/\/forbidden-permission$/),
      ]);
    }
    const widened = await developer.patch(`/api/v1/webhooks/${theirs.id}`, {
      events: ['mfa.failed'],
    });
    expect(widened.status).toBe(403);
    expect((await mine.client.get(`/api/v1/webhooks/${theirs.id}`)).body.events).toEqual([
      'goal.completed',
    ]);

    const rotated = await mine.client.post(`/api/v1/webhooks/${theirs.id}/rotate-secret`);
    expect([rotated.status, rotated.body.secret]).toEqual([200, expect.stringMatching(/^whsec_/)]);
    expect((await mine.client.delete(`/api/v1/webhooks/${theirs.id}`)).status).toBe(204);
  });

  it('answers 503 webhooks-not-configured in production without WEBHOOK_ENCRYPTION_KEY', async () => {
    const bare = await startApp({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: uniqueQueuePrefix(),
        PROCESS_JOBS: 'false',
        DB_MIGRATE_ON_START: 'false',
        WEBHOOK_ENCRYPTION_KEY: undefined,
      },
    });
    processes.push(bare);
    const client = new ApiClient(bare.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    for (const res of [
      await client.get('/api/v1/webhooks'),
      await client.post('/api/v1/webhooks', {
        url: receiver.url('/x'),
        events: ['goal.completed'],
        name: 'x',
      }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.type).toMatch(/webhooks-not-configured$/);
    }
    await bare.stop();
  });
});
