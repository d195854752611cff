import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { PASSWORD, Principals } from './support/principals';

interface Entry {
  id: string;
  timestamp: string;
  seq: number;
  tenant_id: string;
  category: string;
  event_type: string;
  outcome: string;
  severity: string;
  actor: { id: string | null; type: string; ip: string | null };
  resource: { type: string | null; id: string | null };
  context: { request_id: string | null; endpoint: string | null; method: string | null };
  changes: Array<{ field: string; old: unknown; new: unknown }>;
  details: Record<string, unknown>;
}

/** The product in production mode on a database of its own, with an audit signing key. */
async function startAudited(
  env: Record<string, string> = {},
): Promise<{ db: TestDatabase; app: AppProcess }> {
  const db = await createPostgresDatabase();
  const app = await startApp({
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      AUDIT_SIGNING_KEY: 'an-audit-signing-key-for-the-tests-only-0123',
      ...env,
    },
  });
  return { db, app };
}

/**
 * The audit log on PostgreSQL: real actions of every category recorded with actor, resource
 * and context; role and password changes with their field changes (secrets masked); every
 * filter; tenant isolation; tamper evidence against changes made behind the application.
 */
describe('audit log (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let admin: ApiClient;
  let anonymous: ApiClient;
  let principals: Principals;

  const search = async (query: string) => {
    const res = await admin.get<{ items: Entry[]; total: number }>(`/api/v1/audit?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Audit writes are batched off the request path: wait until `query` finds something. */
  const eventually = (query: string, what: string) =>
    waitFor(
      async () => ((await search(query)).items.length ? (await search(query)).items : undefined),
      {
        what,
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );

  beforeAll(async () => {
    ({ db, app } = await startAudited());
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, admin);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('records a real action of every category with actor, resource and context', async () => {
    // AUTHENTICATION: a sign-in, and a wrong password
    const user = await principals.createUser('ada@audit.test', 'operator');
    await principals.login('ada@audit.test');
    await anonymous.post('/api/v1/auth/login', { email: 'ada@audit.test', password: 'wrong' });
    // SECURITY: a viewer refused a route it has no permission for
    const viewer = await principals.signedIn('vic@audit.test', 'viewer');
    expect((await viewer.client.post('/api/v1/users', { email: 'x@audit.test' })).status).toBe(403);
    // GOAL (and DATA_MUTATION): a goal submitted
    const goal = await admin.post('/api/v1/goals', { goal: 'Say hello to the auditors.' });
    // AGENT: an agent profile created
    const agent = await admin.post('/api/v1/agents', {
      kind: 'tool_agent',
      name: 'audited-agent',
      capabilities: ['analysis'],
    });
    // TENANT: a tenant created and suspended
    const tenant = await admin.post('/api/v1/tenants', {
      slug: 'audited',
      name: 'Audited',
      tier: 'ENTERPRISE',
    });
    await admin.post(`/api/v1/tenants/${tenant.body.id}/suspend`, { reason: 'audit test' });
    // AUTHORIZATION: a custom role created, then its permissions changed
    await admin.post('/api/v1/roles', {
      name: 'auditor',
      permissions: ['audit:read'],
      inherits: [],
    });
    await admin.patch('/api/v1/roles/auditor', { permissions: ['audit:read', 'audit:export'] });
    // DATA_ACCESS: the audit log read
    await search('limit=1');

    const expectations: Array<[string, string, (e: Entry) => boolean]> = [
      [
        'AUTHENTICATION',
        'event_type=auth.logged_in',
        (e) => e.actor.id === user.id && !!e.actor.ip,
      ],
      ['AUTHENTICATION', 'event_type=auth.login_failed', (e) => e.outcome === 'FAILURE'],
      [
        'SECURITY',
        'event_type=access.denied',
        (e) => e.actor.id === viewer.id && e.outcome === 'FAILURE',
      ],
      ['GOAL', 'event_type=goal.created', (e) => e.resource.id === goal.body.goal_id],
      [
        'AGENT',
        'event_type=agent.create',
        (e) => e.resource.id === agent.body.id && e.context.method === 'POST',
      ],
      ['TENANT', 'event_type=tenant.create', (e) => e.resource.id === tenant.body.id],
      ['TENANT', 'event_type=tenant.suspended', (e) => e.details.reason === 'audit test'],
      ['AUTHORIZATION', 'event_type=role.update', (e) => e.resource.id === 'auditor'],
      ['DATA_ACCESS', 'event_type=audit.read', (e) => e.actor.type === 'service'],
      ['DATA_MUTATION', 'event_type=goal.create', (e) => !!e.context.request_id],
    ];
    for (const [category, query, matches] of expectations) {
      const items = await eventually(`categories=${category}&${query}`, `${category} ${query}`);
      const entry = items.find(matches);
      expect([category, query, entry !== undefined]).toEqual([category, query, true]);
      expect(entry!.actor.type).toBeTruthy();
      expect(entry!.timestamp).toBeTruthy();
    }
    const roleChange = (await search('event_type=role.update')).items[0];
    expect(roleChange.changes).toEqual(
      expect.arrayContaining([
        { field: 'permissions', old: ['audit:read'], new: ['audit:export', 'audit:read'] },
      ]),
    );
    expect(roleChange.context).toMatchObject({ method: 'PATCH', endpoint: '/api/v1/roles/:name' });
  });

  it('records a password change as changed, with both values masked', async () => {
    const user = await principals.createUser('pat@audit.test', 'viewer');
    const secret = 'a brand new passphrase 123';
    expect((await admin.patch(`/api/v1/users/${user.id}`, { password: secret })).status).toBe(200);
    const [entry] = await eventually(
      `event_type=user.update&resource_id=${user.id}`,
      'the password change',
    );
    expect(entry.changes).toEqual([{ field: 'password', old: '***', new: '***' }]);
    const raw = await queryPostgres<{ row: string }>(
      db.url,
      `SELECT row_to_json(a)::text AS row FROM audit_events a`,
    );
    const everything = raw.map((r) => r.row).join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(TEST_ADMIN_API_KEY);
  });

  it('each filter narrows, filters AND together, pages are stable, other tenants never show', async () => {
    const all = await search('limit=100&sort=asc');
    expect(all.total).toBeGreaterThan(10);
    const failures = await search('outcomes=FAILURE&limit=100');
    expect(failures.items.every((e) => e.outcome === 'FAILURE')).toBe(true);
    const securityFailures = await search('outcomes=FAILURE&categories=SECURITY&limit=100');
    expect(securityFailures.items.length).toBeGreaterThan(0);
    expect(
      securityFailures.items.every((e) => e.outcome === 'FAILURE' && e.category === 'SECURITY'),
    ).toBe(true);
    expect(securityFailures.total).toBeLessThan(failures.total);
    const severities = await search('severities=WARNING,ERROR&limit=100');
    expect(severities.items.every((e) => ['WARNING', 'ERROR'].includes(e.severity))).toBe(true);
    const someone = all.items.find((e) => e.actor.id && e.actor.type === 'user')!;
    const byActor = await search(`actor_id=${someone.actor.id}&actor_type=user&limit=100`);
    expect(byActor.items.every((e) => e.actor.id === someone.actor.id)).toBe(true);
    const byResource = await search('resource_type=role&resource_id=auditor');
    expect(byResource.items.every((e) => e.resource.id === 'auditor')).toBe(true);
    const text = await search('search=auditor%20role');
    expect(text.items.length).toBeGreaterThan(0);
    const tagged = await search('tags=security-event&limit=100');
    expect(tagged.items.length).toBeGreaterThan(0);
    const middle = all.items[Math.floor(all.items.length / 2)].timestamp;
    const later = await search(`start_time=${encodeURIComponent(middle)}&limit=100`);
    expect(later.items.every((e) => e.timestamp >= middle)).toBe(true);
    const ips = await search('ip=203.0.113.250');
    expect(ips.total).toBe(0);
    // the installation's own tenant is named by its id like any other
    const defaultTenant = '00000000-0000-0000-0000-000000000001';
    const own = await admin.get<{ items: Entry[] }>(`/api/v1/audit?tenant_id=${defaultTenant}`);
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((e) => e.tenant_id === defaultTenant)).toBe(true);
    const exported = await admin.get(`/api/v1/audit/export?tenant_id=${defaultTenant}`);
    expect(exported.status).toBe(200);

    // pages: the concatenation of pages is the whole list, in order, without repeats
    const pages: Entry[] = [];
    for (let offset = 0; offset < all.items.length; offset += 7)
      pages.push(...(await search(`limit=7&offset=${offset}&sort=asc`)).items);
    expect(pages.slice(0, all.items.length).map((e) => e.id)).toEqual(all.items.map((e) => e.id));

    // another tenant's events never show, and its administrators see only theirs
    const other = await admin.post('/api/v1/tenants', {
      slug: 'other-audit',
      name: 'Other',
      tier: 'ENTERPRISE',
    });
    await admin.inTenant(other.body.id).post('/api/v1/goals', { goal: 'OTHER-TENANT-GOAL' });
    await waitFor(
      async () =>
        (await admin.inTenant(other.body.id).get('/api/v1/audit?event_type=goal.created')).body
          .total > 0 || undefined,
      { what: "the other tenant's entry", timeoutMs: 10_000, intervalMs: 100 },
    );
    const mine = await search('limit=100&event_type=goal.created');
    expect(mine.items.every((e) => e.details.goal_id !== undefined)).toBe(true);
    const theirs = (
      await admin.inTenant(other.body.id).get<{ items: Entry[] }>('/api/v1/audit?limit=100')
    ).body;
    const mineIds = new Set((await search('limit=100')).items.map((e) => e.id));
    expect(theirs.items.some((e) => mineIds.has(e.id))).toBe(false);
    const viewer = await principals.signedIn('nosy@audit.test', 'viewer');
    expect((await viewer.client.get('/api/v1/audit')).status).toBe(403);
  });

  it('exports JSONL and CSV with the filters applied', async () => {
    const jsonl = await fetch(`${app.baseUrl}/api/v1/audit/export?categories=AUTHENTICATION`, {
      headers: { 'x-api-key': TEST_ADMIN_API_KEY },
    });
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((e) => e.category === 'AUTHENTICATION')).toBe(true);
    const csv = await fetch(`${app.baseUrl}/api/v1/audit/export?format=csv&limit=5`, {
      headers: { 'x-api-key': TEST_ADMIN_API_KEY },
    });
    const text = await csv.text();
    expect(text.split('\n')[0]).toMatch(/^id,timestamp,tenant_id,seq,category/);
  });

  it('the application cannot change entries; a change made behind its back is reported by /verify', async () => {
    expect((await admin.get('/api/v1/audit/verify')).body).toMatchObject({ valid: true });
    const [victim] = (await search('limit=1&sort=asc&offset=2')).items;
    // the application's own connection: refused by the table
    await expect(
      queryPostgres(db.url, `UPDATE audit_events SET message = 'edited' WHERE id = $1`, [
        victim.id,
      ]),
    ).rejects.toThrow(/append-only/);
    // the restricted tenant role: no UPDATE or DELETE privilege at all
    await expect(
      queryPostgres(
        db.url,
        `DO $$ BEGIN SET LOCAL ROLE agent_village_tenant; DELETE FROM audit_events; END $$`,
      ),
    ).rejects.toThrow(/permission denied/);
    // a superuser going around the application: reported with the entry's id
    await queryPostgres(
      db.url,
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
       UPDATE audit_events SET actor_ip = '192.0.2.1' WHERE id = '${victim.id}';
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;`,
    );
    const report = (await admin.get('/api/v1/audit/verify')).body;
    expect(report).toMatchObject({
      valid: false,
      first_broken: { id: victim.id, seq: victim.seq, reason: 'hash-mismatch' },
    });
  });
});

describe('audit retention (PostgreSQL)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let admin: ApiClient;

  beforeAll(async () => {
    ({ db, app } = await startAudited({
      AUDIT_RETENTION_DAYS: '0',
      AUDIT_RETENTION_SECURITY_DAYS: '365',
      AUDIT_RETENTION_INTERVAL_MS: '1000',
    }));
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('removes only the expired prefix and the chain still verifies from its signed checkpoint', async () => {
    const principals = new Principals(new ApiClient(app.baseUrl), admin);
    await principals.createUser('early@retention.test'); // DATA_MUTATION: expires at once
    await principals.login('early@retention.test'); // AUTHENTICATION: kept a year
    await principals.createUser('late@retention.test'); // after a kept entry: stays
    // entries reach the log in batches: wait for the prefix to go and the last user to be in
    const { report, left } = await waitFor(
      async () => {
        const verified = (await admin.get('/api/v1/audit/verify')).body;
        if (!(verified.starts_after > 0)) return undefined;
        const items = (await admin.get<{ items: Entry[] }>('/api/v1/audit?limit=100&sort=asc')).body
          .items;
        const lateStored = items.some(
          (e) => e.event_type === 'user.create' && e.seq > verified.starts_after,
        );
        return lateStored ? { report: verified, left: items } : undefined;
      },
      { what: 'retention to remove the expired prefix', timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(report).toMatchObject({ valid: true });
    expect(left[0].seq).toBe(report.starts_after + 1);
    expect(left.some((e) => e.event_type === 'auth.logged_in')).toBe(true);
    expect(left.some((e) => e.event_type === 'user.create' && e.resource.id !== null)).toBe(true);
    const [checkpoint] = await queryPostgres<{ seq: string; signature: string }>(
      db.url,
      'SELECT seq, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1',
    );
    expect(Number(checkpoint.seq)).toBe(report.starts_after);
    // a forged checkpoint does not pass
    await queryPostgres(
      db.url,
      `ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only;
       UPDATE audit_checkpoints SET signature = repeat('0', 64);
       ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_append_only;`,
    );
    expect((await admin.get('/api/v1/audit/verify')).body).toMatchObject({
      valid: false,
      first_broken: { reason: 'checkpoint-signature' },
    });
  });
});
