import Ajv from 'ajv';
import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  waitFor,
} from '#testing';

type Json = Record<string, unknown>;
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Json;
}
interface Operation {
  'x-access'?: { session?: boolean };
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface ApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

/** OpenAPI 3.0 keywords JSON Schema does not have, dropped or rewritten for Ajv. */
const DOC_ONLY = new Set(['nullable', 'example', 'examples', 'discriminator', 'deprecated']);

/** An OpenAPI 3.0 schema as JSON Schema (draft-07): `nullable` becomes a null alternative. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (DOC_ONLY.has(key) || key.startsWith('x-')) continue;
    out[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as Json).map(([name, s]) => [name, jsonSchema(s)]),
          )
        : jsonSchema(value);
  }
  if (typeof out.$ref === 'string')
    out.$ref = out.$ref.replace('#/components/schemas/', 'api#/definitions/');
  if (source.nullable !== true) return out;
  if (out.type !== undefined) out.type = [out.type, 'null'].flat();
  else return { anyOf: [out, { type: 'null' }] };
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

/** The first item of a list answer (`items`, or the one array it holds). */
function firstItem(body: unknown): Json | undefined {
  if (Array.isArray(body)) return body[0] as Json | undefined;
  if (!body || typeof body !== 'object') return undefined;
  const lists = Object.values(body as Json).filter(Array.isArray) as unknown[][];
  return (lists[0]?.[0] as Json | undefined) ?? undefined;
}

/**
 * What an SDK generated from the API document relies on: every GET the document lists
 * answers what its schema says, and every body field it calls required is refused when
 * missing. One of each resource is made first, so the routes that read one are reached.
 */
describe('the API answers as its OpenAPI document says (embedded)', () => {
  let app: AppProcess;
  let api: ApiClient;
  let sessionApi: ApiClient;
  let doc: ApiDocument;
  /** Ids of what no list route answers, by the path above them. */
  const made: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp({
      env: { API_KEY_RATE_PER_MINUTE: '10000000', API_KEY_RATE_BURST: '1000000' },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const anonymous = new ApiClient(app.baseUrl);
    const login = await anonymous.post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    sessionApi = anonymous.withBearer(login.body.token);
    doc = (await api.get('/docs-json')).body as ApiDocument;

    const goalId = (await api.post('/api/v1/goals', { goal: 'Research cats. Research dogs.' })).body
      .goal_id as string;
    await waitFor(
      async () => (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'completed',
      { timeoutMs: 60_000, what: 'the goal to complete' },
    );
    const created = await Promise.all([
      api.post('/api/v1/users', {
        email: 'conformance@example.com',
        display_name: 'Conformance',
        password: 'conformance-password',
      }),
      api.post('/api/v1/roles', { name: 'conformance', permissions: ['goal:read'] }),
      api.post('/api/v1/api-keys', { name: 'conformance', scopes: ['admin:full'] }),
      api.post('/api/v1/memory', { type: 'semantic', content: 'cats purr' }),
      api.post('/api/v1/webhooks', {
        name: 'conformance',
        url: 'https://hooks.example.com/conformance',
        events: ['goal.completed'],
      }),
      api.post('/api/v1/oauth/clients', {
        name: 'conformance',
        redirect_uris: ['https://app.example.com/callback'],
      }),
      api.post('/api/v1/sso/providers', {
        name: 'Okta',
        template: 'okta',
        settings: { client_id: 'agent-village', domain: 'acme.okta.com' },
        client_secret: 'conformance-secret',
        enabled: false,
      }),
      api.post('/api/v1/mcp/servers', {
        name: 'remote',
        transport: 'http',
        url: 'https://mcp.example.com/mcp',
        enabled: false,
      }),
      api.post('/api/v1/rate-limits/rules', {
        name: 'conformance',
        path: '/api/v1/conformance',
        strategy: 'FIXED_WINDOW',
        scope: 'IP',
        limit: 100,
        window_s: 60,
      }),
    ]);
    expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
    made['/api/v1/memory'] = created[3].body.id as string;
    // a delivery to read: the endpoint's test event (its target cannot be reached; it is kept)
    const webhookId = created[4].body.id as string;
    expect((await api.post(`/api/v1/webhooks/${webhookId}/test`, {})).status).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
  });

  /** The GET routes whose answer is JSON, with the schema of their 200. */
  function jsonReads(): Array<{ path: string; op: Operation; schema: Json }> {
    return Object.entries(doc.paths).flatMap(([path, item]) => {
      const op = item.get;
      const schema = op?.responses['200']?.content?.['application/json']?.schema;
      return op && schema ? [{ path, op, schema }] : [];
    });
  }

  /** A concrete path: each `{param}` from the first item the path above it lists. */
  async function concretePath(path: string, client: ApiClient): Promise<string | undefined> {
    let concrete = '';
    for (const part of path.split('/').slice(1)) {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!param) {
        concrete += `/${part}`;
        continue;
      }
      if (param === 'widget') {
        concrete += '/goals';
        continue;
      }
      const item = made[concrete]
        ? { id: made[concrete] }
        : firstItem((await client.get(concrete)).body);
      const value = item?.[param] ?? item?.id ?? item?.name;
      if (typeof value !== 'string') return undefined;
      concrete += `/${encodeURIComponent(value)}`;
    }
    return concrete;
  }

  it('answers every JSON GET with a body its schema accepts', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'api', definitions: jsonSchema(doc.components.schemas) as Json });
    const mismatches: string[] = [];
    const unreached: string[] = [];
    let checked = 0;
    for (const { path, op, schema } of jsonReads()) {
      const client = op['x-access']?.session ? sessionApi : api;
      const concrete = await concretePath(path, client);
      if (!concrete) {
        unreached.push(path);
        continue;
      }
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query' && p.required)
        .map((p) => `${p.name}=${encodeURIComponent(String(p.schema?.example ?? 'cats'))}`)
        .join('&');
      const res = await client.get(query ? `${concrete}?${query}` : concrete);
      if (res.status !== 200) {
        mismatches.push(`${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const validate = ajv.compile(jsonSchema(schema) as Json);
      if (!validate(res.body)) mismatches.push(`${path}: ${ajv.errorsText(validate.errors)}`);
      checked++;
    }
    expect(mismatches).toEqual([]);
    // only routes that read what an installation without plugins or workers has none of
    expect(unreached.sort()).toEqual(['/api/v1/plugins/{name}']);
    expect(checked).toBeGreaterThanOrEqual(60);
  }, 120_000);

  it('refuses a body without its required fields, naming each of them', async () => {
    const misses: string[] = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of ['post', 'put', 'patch'] as const) {
        const op = item[method];
        let schema = op?.requestBody?.content?.['application/json']?.schema;
        if (typeof schema?.$ref === 'string')
          schema = doc.components.schemas[schema.$ref.split('/').pop()!];
        const required = (schema?.required as string[] | undefined) ?? [];
        if (!op || !required.length) continue;
        const client = op['x-access']?.session ? sessionApi : api;
        const concrete = await concretePath(path, client);
        if (!concrete) continue;
        const res = await client.request<Json>(method.toUpperCase(), concrete, '{}');
        const named = ((res.body?.errors as Array<{ field: string }> | undefined) ?? []).map(
          (e) => e.field,
        );
        const unnamed = required.filter(
          (field) => !named.some((n) => n === field || n.startsWith(`${field}.`)),
        );
        if (res.status !== 400 || unnamed.length)
          misses.push(`${method.toUpperCase()} ${path}: ${res.status}, not named: ${unnamed}`);
      }
    expect(misses).toEqual([]);
    // a field the table needs is one the document calls required (this one answered 500)
    const unnamed = await api.post('/api/v1/sso/providers', {
      template: 'okta',
      settings: { client_id: 'agent-village', domain: 'acme.okta.com' },
      client_secret: 'conformance-secret',
    });
    expect([unnamed.status, unnamed.body.errors]).toEqual([
      400,
      [{ field: 'name', message: 'is required' }],
    ]);
  }, 120_000);
});
