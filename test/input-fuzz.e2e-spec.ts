import { connect } from 'node:net';
import WebSocket from 'ws';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  Json,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { CLIENT_EVENTS, ClientEvent } from '../src/realtime/protocol';

const DEEP = 10_000;
const DEEP_JSON = '['.repeat(DEEP) + ']'.repeat(DEEP);
const UNKNOWN_ID = '0190f0c4-0000-7000-8000-000000000000';

/**
 * Hostile JSON values put into one field at a time; `text` ones (bad text, and numbers JSON.parse
 * can only read as Infinity, which would be stored as null) must be refused naming it.
 */
const HOSTILE_VALUES: Array<{ name: string; json: string; text?: true }> = [
  { name: 'NUL', json: '"fuzz\\u0000value"', text: true },
  { name: 'lone high surrogate', json: '"fuzz\\ud800value"', text: true },
  { name: 'lone low surrogate', json: '"\\udfff"', text: true },
  { name: 'NUL in a nested array', json: '{"a":{"b":["\\u0000"]}}', text: true },
  { name: 'NUL key', json: '{"k\\u0000":1}', text: true },
  { name: 'surrogate key', json: '{"\\ud800":"v"}', text: true },
  { name: '__proto__ key', json: '{"__proto__":{"admin":true}}', text: true },
  { name: 'constructor key', json: '{"a":[{"constructor":"x"}]}', text: true },
  { name: '10,000-deep JSON', json: DEEP_JSON },
  { name: '1e20', json: '1e20' },
  { name: '2^31', json: '2147483648' },
  { name: '2^63', json: '9223372036854775808' },
  { name: '-1', json: '-1' },
  { name: '1e400', json: '1e400', text: true },
  { name: '-1e400 in a nested array', json: '{"a":{"b":[-1e400]}}', text: true },
  { name: '"NaN"', json: '"NaN"' },
];
/** Hostile query and path values, URL-encoded; `text` ones must be refused naming the parameter. */
const HOSTILE_URL_VALUES: Array<{ value: string; text?: true }> = [
  { value: 'fuzz%00value', text: true },
  { value: '%00', text: true },
  { value: '%ED%A0%80' },
  { value: '1e20' },
  { value: '2147483648' },
  { value: '9223372036854775808' },
  { value: '-1' },
  { value: 'NaN' },
  { value: '1.5' },
  { value: 'x'.repeat(4000) },
];

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  minLength?: number;
  properties?: Record<string, Schema>;
}
interface Operation {
  'x-access'?: { session?: boolean };
  parameters?: Array<{ in: 'path' | 'query' | 'header'; name: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Route {
  method: string;
  path: string;
  op: Operation;
}

/** The fuzz in one mode: every route and WebSocket message that takes input, then health. */
function fuzzSuite(mode: string, setup: () => Promise<Record<string, string>>) {
  describe(`hostile input answers 4xx, never 500 (${mode})`, () => {
    let app: AppProcess;
    let api: ApiClient;
    /** An elevated session of the same administrator, for routes API keys may not call. */
    let sessionApi: ApiClient;
    let doc: { paths: Record<string, Record<string, Operation>>; components: Json };
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      app = await startApp({
        env: {
          ...(await setup()),
          // the admin key must not run out of requests: every handler should be reached
          API_KEY_RATE_PER_MINUTE: '10000000',
          API_KEY_RATE_BURST: '1000000',
          // wrong codes sent by the fuzz must not lock the administrator's second factor
          MFA_MAX_ATTEMPTS: '100',
          // code delivery is configured, to a port where nothing listens
          MFA_SMS_URL: 'http://127.0.0.1:9/sms',
          MFA_SMTP_URL: 'smtp://127.0.0.1:9',
          MFA_EMAIL_FROM: 'security@example.com',
        },
      });
      api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
      const anonymous = new ApiClient(app.baseUrl);
      const login = await anonymous.post('/api/v1/auth/login', {
        email: TEST_ADMIN_EMAIL,
        password: TEST_ADMIN_PASSWORD,
      });
      const elevated = await anonymous
        .withBearer(login.body.token)
        .post('/api/v1/sessions/current/elevate', { password: TEST_ADMIN_PASSWORD });
      sessionApi = anonymous.withBearer(elevated.body.token);
      doc = (await api.get('/docs-json')).body;
      ids.goals = (await api.post('/api/v1/goals', { goal: 'Write a haiku' })).body.goal_id;
      const user = await api.post('/api/v1/users', {
        email: `fuzz-${mode}@example.com`,
        display_name: 'Fuzz target',
        password: 'fuzz-target-password',
      });
      ids.users = user.body.id;
      ids.name = (
        await api.post('/api/v1/roles', { name: 'fuzz-role', permissions: ['goal:read'] })
      ).body.name;
      ids['role-assignments'] = (
        await api.post('/api/v1/role-assignments', { user_id: ids.users, role: 'fuzz-role' })
      ).body.id;
      ids['api-keys'] = (
        await api.post('/api/v1/api-keys', { name: 'fuzz', scopes: ['admin:full'] })
      ).body.id;
      ids.agents = (await api.get('/api/v1/agents?limit=1')).body.items[0].id;
      ids.memory = (
        await api.post('/api/v1/memory', { type: 'semantic', content: 'fuzz fixture' })
      ).body.id;
      ids.widget = 'stats';
      expect(Object.entries(ids).filter(([, id]) => typeof id !== 'string')).toEqual([]);
    });

    afterAll(async () => {
      await app?.stop();
    });

    const routes = (): Route[] =>
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
      );

    /** A path with every parameter filled: a fixture of the right kind, or one overridden. */
    function concretePath(route: Route, override?: { name: string; value: string }): string {
      return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        if (override?.name === name) return override.value;
        const resource = name === 'id' ? route.path.split('/')[3] : name;
        return encodeURIComponent(ids[resource] ?? UNKNOWN_ID);
      });
    }

    function resolve(schema: Schema | undefined): Schema | undefined {
      if (!schema?.$ref) return schema;
      return doc.components.schemas[schema.$ref.split('/').pop()!] as Schema;
    }

    /** A plausible value for each body property, so the hostile one is the only thing wrong. */
    function baseBody(schema: Schema): Record<string, unknown> {
      const body: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(schema.properties ?? {})) {
        const prop = resolve(raw)!;
        body[name] =
          prop.example ??
          prop.enum?.[0] ??
          prop.default ??
          (prop.format === 'uuid'
            ? UNKNOWN_ID
            : prop.format === 'date-time'
              ? new Date(Date.now() + 86_400_000).toISOString()
              : prop.type === 'string'
                ? `fuzz ${name}`.padEnd(prop.minLength ?? 0, 'x')
                : prop.type === 'number' || prop.type === 'integer'
                  ? (prop.minimum ?? 1)
                  : prop.type === 'array'
                    ? []
                    : prop.type === 'object'
                      ? baseBody(prop)
                      : null);
      }
      return body;
    }

    const failures: string[] = [];
    const probes: Array<() => Promise<void>> = [];

    /** Plans one request; `refusedField`: it must be refused with 400 naming that field. */
    function probe(
      label: string,
      method: string,
      path: string,
      body?: string,
      refusedField?: string,
      client = api,
    ): void {
      probes.push(() => send(client, label, method, path, body, refusedField));
    }

    async function send(
      client: ApiClient,
      label: string,
      method: string,
      path: string,
      body?: string,
      refusedField?: string,
    ): Promise<void> {
      const res = await client.request<Json>(method, path, body);
      const type = String(res.body?.type ?? '');
      const brief = `${label}: ${method} ${path.slice(0, 120)} -> ${res.status} ${String(JSON.stringify(res.body ?? null)).slice(0, 200)}`;
      if (res.status >= 500) failures.push(brief);
      // 401 and 429 from the pipeline mean the handler never saw the input; a handler's own
      // (a wrong password or code, a code sent too often) are answers like any other.
      else if (
        (res.status === 429 && type.endsWith('/rate-limited')) ||
        (res.status === 401 && /\/(unauthenticated|invalid-credentials|credential-\w+)$/.test(type))
      )
        failures.push(`handler not reached: ${brief}`);
      else if (
        refusedField !== undefined &&
        !(
          res.status === 400 &&
          (res.body?.errors as Array<{ field: string }> | undefined)?.some((e) =>
            e.field.startsWith(refusedField),
          )
        )
      )
        failures.push(`not refused naming ${refusedField}: ${brief}`);
    }

    it('refuses NUL, lone surrogates, 10,000-deep JSON and out-of-range numbers on every route', async () => {
      let fuzzedRoutes = 0;
      for (const route of routes()) {
        const params = route.op.parameters ?? [];
        const bodySchema = resolve(route.op.requestBody?.content?.['application/json']?.schema);
        if (!params.length && !bodySchema) continue;
        fuzzedRoutes++;
        const { method } = route;
        const client = route.op['x-access']?.session ? sessionApi : api;
        for (const param of params.filter((p) => p.in === 'path'))
          for (const hostile of HOSTILE_URL_VALUES)
            probe(
              `path ${param.name}`,
              method,
              concretePath(route, { name: param.name, value: hostile.value }),
              bodySchema ? '{}' : undefined,
              hostile.text ? param.name : undefined,
              client,
            );
        for (const param of params.filter((p) => p.in === 'query'))
          for (const hostile of HOSTILE_URL_VALUES)
            probe(
              `query ${param.name}`,
              method,
              `${concretePath(route)}?${param.name}=${hostile.value}`,
              bodySchema ? '{}' : undefined,
              hostile.text ? param.name : undefined,
              client,
            );
        if (!bodySchema) continue;
        const base = baseBody(bodySchema);
        const path = concretePath(route);
        for (const field of Object.keys(base))
          for (const hostile of HOSTILE_VALUES) {
            const text = JSON.stringify({ ...base, [field]: '\u0001HOSTILE' }).replace(
              '"\\u0001HOSTILE"',
              hostile.json,
            );
            probe(
              `body ${field} = ${hostile.name}`,
              method,
              path,
              text,
              hostile.text ? field : undefined,
              client,
            );
          }
        probe('body 10,000 deep', method, path, DEEP_JSON, 'body', client);
        probe('body NUL key', method, path, '{"\\u0000":1}', 'body', client);
        const unknownField = JSON.stringify({ ...base, 'x\u0001': 1 }).replace(
          '\\u0001',
          '\\udc00',
        );
        probe('body surrogate key', method, path, unknownField, 'body', client);
      }
      // a few at a time: quick, yet gentle on a shared machine
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < probes.length) await probes[next++]();
        }),
      );
      expect(failures).toEqual([]);
      expect(fuzzedRoutes).toBeGreaterThanOrEqual(30);
    });

    /** A plausible `data` for each client message; the type makes a new message fail to compile. */
    const wsData = (): Record<ClientEvent, Record<string, unknown>> => ({
      subscribe: { goal_id: ids.goals, last_event_id: 0 },
      unsubscribe: { goal_id: ids.goals },
      'goal.submit': {
        ...baseBody(resolve({ $ref: '#/components/schemas/CreateGoalDto' })!),
        subscribe: false,
      },
      'goal.cancel': { goal_id: ids.goals, reason: 'fuzz' },
      'task.approve': {
        goal_id: ids.goals,
        ...baseBody(resolve({ $ref: '#/components/schemas/ApprovalDecisionDto' })!),
      },
      ping: {},
    });

    it('answers every hostile WebSocket message with an error envelope, keeping the connection', async () => {
      const socket = new WebSocket(`${app.baseUrl.replace(/^http/, 'ws')}/ws`, {
        headers: { 'x-api-key': TEST_ADMIN_API_KEY },
      });
      const answers: Json[] = [];
      socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as Json;
        if (message.event === 'ack' || message.event === 'error') answers.push(message);
      });
      await new Promise((resolveOpen, reject) =>
        socket.once('open', resolveOpen).once('error', reject),
      );
      const wsFailures: string[] = [];
      async function send(label: string, text: string, refusedField?: string) {
        const seen = answers.length;
        socket.send(text);
        const answer = await waitFor(() => answers[seen], {
          what: `answer to ${label}`,
          intervalMs: 2,
        });
        const status = answer.event === 'ack' ? 200 : (answer.data?.status as number);
        const brief = `${label} -> ${JSON.stringify(answer).slice(0, 240)}`;
        if (!(status < 500)) wsFailures.push(brief);
        else if (
          refusedField !== undefined &&
          !(status === 400 && JSON.stringify(answer.data.errors ?? []).includes(refusedField))
        )
          wsFailures.push(`not refused naming ${refusedField}: ${brief}`);
      }

      const data = wsData();
      expect(Object.keys(data).sort()).toEqual([...CLIENT_EVENTS].sort());
      for (const event of CLIENT_EVENTS) {
        const base = data[event];
        for (const field of Object.keys(base))
          for (const hostile of HOSTILE_VALUES) {
            const text = JSON.stringify({
              event,
              id: 'fuzz',
              data: { ...base, [field]: '\u0001HOSTILE' },
            }).replace('"\\u0001HOSTILE"', hostile.json);
            await send(
              `${event} ${field} = ${hostile.name}`,
              text,
              hostile.text ? field : undefined,
            );
          }
        await send(
          `${event} deep data`,
          `{"event":"${event}","id":1,"data":${DEEP_JSON}}`,
          'message',
        );
        await send(`${event} NUL key`, `{"event":"${event}","id":2,"data":{"\\u0000":1}}`, 'data');
        await send(`${event} surrogate id`, `{"event":"${event}","id":"\\ud800","data":{}}`);
        await send(`${event} infinite id`, `{"event":"${event}","id":1e400,"data":{}}`);
        await send(`${event} NUL event`, `{"event":"${event}\\u0000","data":{}}`);
        await send(
          `${event} last_event_id 2^63`,
          `{"event":"${event}","data":{"last_event_id":9223372036854775808}}`,
        );
      }
      expect(wsFailures).toEqual([]);
      expect(socket.readyState).toBe(WebSocket.OPEN);
      await send('ping after the fuzz', '{"event":"ping","id":"last"}');
      expect(answers.at(-1)).toMatchObject({ event: 'ack', id: 'last' });
      socket.close();
    });

    it('answers a header the HTTP parser refuses with 400 problem+json', async () => {
      const answer = await new Promise<string>((resolveAnswer, reject) => {
        const socket = connect(app.port, '127.0.0.1', () =>
          socket.write('GET /health HTTP/1.1\r\nHost: x\r\nX-Tenant-ID: a\u0000b\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('end', () => resolveAnswer(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 400,
      });
    });

    it('answers a 100 KB header with 431 problem+json', async () => {
      const res = await fetch(`${app.baseUrl}/health`, {
        headers: { 'x-big': 'x'.repeat(100_000) },
      });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({
        status: 431,
        title: 'Request header fields too large',
      });
    });

    it('stays healthy: ready, and a normal goal still completes', async () => {
      expect((await api.get('/health/ready')).status).toBe(200);
      const accepted = await api.post('/api/v1/goals', { goal: 'Summarize the fuzz run' });
      expect(accepted.status).toBe(202);
      const done = await waitFor(
        async () => {
          const goal = (await api.get(`/api/v1/goals/${accepted.body.goal_id}`)).body;
          return ['completed', 'failed', 'cancelled'].includes(goal.status) ? goal : undefined;
        },
        { what: 'the goal after the fuzz to finish' },
      );
      expect(done.status).toBe('completed');
    });
  });
}

fuzzSuite('embedded', async () => ({}));

let database: TestDatabase | undefined;
fuzzSuite('production', async () => {
  database = await createPostgresDatabase();
  return {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
    MFA_ENCRYPTION_KEY: 'fe'.repeat(32),
  };
});
afterAll(async () => {
  await database?.drop();
});
