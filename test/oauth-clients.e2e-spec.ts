import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { PASSWORD, Principals } from './support/principals';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) =>
  (res.body.errors ?? []).map((e) => e.field);

/**
 * The admin API of OAuth clients on the built product in production mode (PostgreSQL and
 * Redis): registration with its rules, the secret answered once and stored as a hash,
 * first-party clients for tenant administrators only, tenant isolation, rotation, deletion
 * and paging; rotation and deletion are announced to every process.
 */
describe('OAuth clients admin API (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let anonymous: ApiClient;
  let adminKey: ApiClient;
  /** The bootstrap administrator's elevated session. */
  let admin: ApiClient;
  let principals: Principals;
  let adminUserId: string;
  let subscriber: Redis;
  const signals: Array<{ kind: string; clientId?: string }> = [];

  const web = {
    name: 'Reporting dashboard',
    redirect_uris: ['https://reports.example.com/callback', 'http://localhost:3000/cb'],
  };

  async function storedHash(clientId: string): Promise<string | null> {
    const [row] = await queryPostgres<{ secret_hash: string | null }>(
      db.url,
      'SELECT secret_hash FROM oauth_clients WHERE client_id = $1',
      [clientId],
    );
    return row?.secret_hash ?? null;
  }

  async function elevatedLogin(email: string, password: string, tenant?: string) {
    const login = await anonymous.post('/api/v1/auth/login', {
      email,
      password,
      ...(tenant ? { tenant } : {}),
    });
    expect(login.status).toBe(200);
    const elevated = await anonymous
      .withBearer(login.body.token)
      .post('/api/v1/sessions/current/elevate', { password });
    expect(elevated.status).toBe(200);
    return anonymous.withBearer(elevated.body.token as string);
  }

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const prefix = uniqueQueuePrefix();
    subscriber = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null });
    await subscriber.connect();
    subscriber.on('message', (_channel: string, raw: string) => {
      const signal = (JSON.parse(raw) as { signal?: { kind: string; clientId?: string } }).signal;
      if (signal) signals.push(signal);
    });
    await subscriber.subscribe(`${prefix}:access-invalidation`);
    app = await startApp({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        PROCESS_JOBS: 'false',
        API_KEY_RATE_PER_MINUTE: '100000',
        API_KEY_RATE_BURST: '10000',
      },
    });
    anonymous = new ApiClient(app.baseUrl);
    adminKey = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, adminKey);
    admin = await elevatedLogin(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    adminUserId = (await admin.get('/api/v1/auth/me')).body.user_id;
  });

  afterAll(async () => {
    await subscriber?.quit();
    await app?.stop();
    await db?.drop();
  });

  it('registers a confidential client with the defaults; its secret is answered once, only its hash kept', async () => {
    const created = await admin.post('/api/v1/oauth/clients', web);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Reporting dashboard',
      client_type: 'confidential',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: web.redirect_uris,
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      skip_consent: false,
      owner_user_id: adminUserId,
      secret_rotated_at: null,
    });
    const { client_id: clientId, client_secret: secret } = created.body;
    expect(clientId).toMatch(/^avc_[A-Za-z0-9_-]{22}$/);
    expect(secret).toMatch(/^avcs_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(created.body)).not.toMatch(/hash/);
    expect(await storedHash(clientId)).toBe(sha256(secret));

    const read = await admin.get(`/api/v1/oauth/clients/${clientId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ ...created.body, client_secret: undefined });
    expect(Object.keys(read.body)).not.toContain('client_secret');
    const listed = await admin.get('/api/v1/oauth/clients');
    const text = JSON.stringify([read.body, listed.body]);
    for (const hidden of [secret, sha256(secret), '"client_secret":', 'hash'])
      expect(text).not.toContain(hidden);
    expect(listed.body.items.map((c: { client_id: string }) => c.client_id)).toContain(clientId);

    // the audit entry names the client and holds neither the secret nor its hash
    const [entry] = await waitFor(
      () =>
        queryPostgres<{ resource_id: string; event_type: string; row: string }>(
          db.url,
          `SELECT resource_id, event_type, row_to_json(a)::text AS row FROM audit_events a
            WHERE resource_type = 'oauth-client' AND method = 'POST' AND resource_id = $1`,
          [clientId],
        ).then((rows) => (rows.length ? rows : undefined)),
      { what: 'the audit entry of the registration' },
    );
    expect(entry.event_type).toBe('oauth-client.create');
    expect(entry.row).not.toContain(secret);
    expect(entry.row).not.toContain(sha256(secret));
  });

  it('registers a public client without a secret, with client_secret_post and native redirects where allowed', async () => {
    const spa = await admin.post('/api/v1/oauth/clients', {
      name: 'Mobile app',
      client_type: 'public',
      redirect_uris: ['com.example.app:/oauth/cb', 'http://127.0.0.1:51004/cb', 'http://[::1]/cb'],
      post_logout_redirect_uris: ['com.example.app:/signed-out'],
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      scopes: ['openid', 'goals:read', 'goals:write'],
    });
    expect(spa.status).toBe(201);
    expect(spa.body).toMatchObject({ client_type: 'public', token_endpoint_auth_method: 'none' });
    expect(Object.keys(spa.body)).not.toContain('client_secret');
    expect(await storedHash(spa.body.client_id)).toBeNull();

    const machine = await admin.post('/api/v1/oauth/clients', {
      name: 'Nightly export',
      grant_types: ['client_credentials'],
      scopes: ['goals:read'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(machine.status).toBe(201);
    expect(machine.body).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [],
    });
    expect(machine.body.client_secret).toMatch(/^avcs_/);
  });

  it('refuses wrong redirect URIs, grants, scopes and fields with 400 problems naming the field', async () => {
    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await admin.post('/api/v1/oauth/clients', { name: 'Bad', ...body });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.type).toMatch(/\/validation-failed$/);
      expect([JSON.stringify(body), fieldsOf(res).some((f) => f.startsWith(field))]).toEqual([
        JSON.stringify(body),
        true,
      ]);
    };
    for (const uri of [
      'http://reports.example.com/cb',
      'https://reports.example.com/cb#section',
      '/callback',
      'reports.example.com/cb',
      'javascript:alert(1)',
      'com.example.app:/cb',
      'https://user:pw@reports.example.com/cb',
    ])
      await refused({ redirect_uris: [uri] }, 'redirect_uris');
    await refused(
      {
        redirect_uris: ['https://a.example.com/'],
        post_logout_redirect_uris: ['http://a.example.com/'],
      },
      'post_logout_redirect_uris',
    );
    await refused(
      { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://a.example.com/${i}`) },
      'redirect_uris',
    );
    await refused({ redirect_uris: 'https://a.example.com/' }, 'redirect_uris');
    await refused({ grant_types: ['authorization_code'] }, 'redirect_uris');
    await refused(
      { grant_types: ['implicit'], redirect_uris: ['https://a.example.com/'] },
      'grant_types',
    );
    await refused({ client_type: 'public', grant_types: ['client_credentials'] }, 'grant_types');
    await refused({ scopes: ['read:goals'], redirect_uris: ['https://a.example.com/'] }, 'scopes');
    await refused(
      {
        client_type: 'public',
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: ['https://a.example.com/'],
      },
      'token_endpoint_auth_method',
    );
    await refused({ client_type: 'hybrid' }, 'client_type');
    await refused({ name: '' }, 'name');
    await refused({ name: 'x'.repeat(201) }, 'name');
    await refused(
      { skip_consent: 'yes', redirect_uris: ['https://a.example.com/'] },
      'skip_consent',
    );
    await refused(
      { client_id: 'avc_chosen', redirect_uris: ['https://a.example.com/'] },
      'client_id',
    );
  });

  it('lets only a tenant administrator register or keep up a first-party client (skip_consent)', async () => {
    const role = await adminKey.post('/api/v1/roles', {
      name: 'oauth-developer',
      permissions: ['oauth-client:create', 'oauth-client:read', 'oauth-client:update'],
    });
    expect(role.status).toBe(201);
    const dev = await principals.createUser('oauth-dev@example.com', 'developer');
    await principals.assign(dev.id, 'oauth-developer');
    const developer = await elevatedLogin('oauth-dev@example.com', PASSWORD);

    const own = await developer.post('/api/v1/oauth/clients', web);
    expect(own.status).toBe(201);
    expect(own.body.owner_user_id).toBe(dev.id);
    const firstParty = await developer.post('/api/v1/oauth/clients', {
      ...web,
      skip_consent: true,
    });
    expect([firstParty.status, firstParty.body.type]).toEqual([
      403,
      expect.stringMatching(/\/forbidden-first-party-client$/),
    ]);
    const promote = await developer.patch(`/api/v1/oauth/clients/${own.body.client_id}`, {
      skip_consent: true,
    });
    expect(promote.status).toBe(403);

    const trusted = await admin.post('/api/v1/oauth/clients', { ...web, skip_consent: true });
    expect([trusted.status, trusted.body.skip_consent]).toEqual([201, true]);
    const path = `/api/v1/oauth/clients/${trusted.body.client_id}`;
    const redirect = await developer.patch(path, { redirect_uris: ['https://evil.example.com/'] });
    expect(redirect.status).toBe(403);
    expect((await developer.post(`${path}/rotate-secret`)).status).toBe(403);
    expect((await admin.get(path)).body.redirect_uris).toEqual(web.redirect_uris);
    expect((await storedHash(trusted.body.client_id)) === sha256(trusted.body.client_secret)).toBe(
      true,
    );

    const viewer = (await principals.signedIn('oauth-viewer@example.com', 'viewer')).client;
    for (const res of [
      await viewer.post('/api/v1/oauth/clients', web),
      await viewer.get('/api/v1/oauth/clients'),
      await viewer.delete(path),
    ])
      expect([res.status, res.body.type]).toEqual([403, expect.stringMatching(/forbidden-/)]);
    // creation is a dangerous route: a session that was not re-authenticated is refused
    const login = await anonymous.post('/api/v1/auth/login', {
      email: 'oauth-dev@example.com',
      password: PASSWORD,
    });
    const notElevated = await anonymous
      .withBearer(login.body.token)
      .post('/api/v1/oauth/clients', web);
    expect([notElevated.status, notElevated.body.type]).toEqual([
      403,
      expect.stringMatching(/elevation-required$/),
    ]);
  });

  it('refuses to change, rotate or delete a client whose owner holds more than the caller (403), since its tokens act for that owner', async () => {
    const platform = await admin.post('/api/v1/oauth/clients', {
      name: 'Platform robot',
      grant_types: ['client_credentials'],
      scopes: ['admin'],
    });
    expect(platform.status).toBe(201);
    const path = `/api/v1/oauth/clients/${platform.body.client_id}`;
    await principals.createUser('reach-admin@example.com', 'tenant_admin');
    const tenantAdmin = await elevatedLogin('reach-admin@example.com', PASSWORD);

    for (const res of [
      await tenantAdmin.post(`${path}/rotate-secret`),
      await tenantAdmin.patch(path, { scopes: ['admin', 'goals:read'] }),
      await tenantAdmin.delete(path),
    ])
      expect([res.status, res.body.type]).toEqual([
        403,
        expect.stringMatching(/\/forbidden-principal$/),
      ]);
    expect(await storedHash(platform.body.client_id)).toBe(sha256(platform.body.client_secret));
    expect((await admin.get(path)).body.scopes).toEqual(['admin']);

    // a client of someone the caller outranks stays theirs to manage
    const registrar = await adminKey.post('/api/v1/roles', {
      name: 'oauth-registrar',
      permissions: ['oauth-client:create', 'oauth-client:read'],
    });
    expect(registrar.status).toBe(201);
    const dev = await principals.createUser('reach-dev@example.com', 'developer');
    await principals.assign(dev.id, 'oauth-registrar');
    const developer = await elevatedLogin('reach-dev@example.com', PASSWORD);
    const weaker = await developer.post('/api/v1/oauth/clients', web);
    expect(weaker.status).toBe(201);
    const rotated = await tenantAdmin.post(
      `/api/v1/oauth/clients/${weaker.body.client_id}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
  });

  it("keeps another tenant's clients unseen: 404 to read, change, rotate or delete", async () => {
    const mine = await admin.post('/api/v1/oauth/clients', web);
    expect(mine.status).toBe(201);
    const tenant = await adminKey.post('/api/v1/tenants', {
      slug: 'oauth-other',
      name: 'Other',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    const inOther = adminKey.inTenant(tenant.body.id);
    const user = await inOther.post('/api/v1/users', {
      email: 'other-admin@example.com',
      display_name: 'Other admin',
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    expect(
      (
        await inOther.post('/api/v1/role-assignments', {
          user_id: user.body.id,
          role: 'tenant_admin',
        })
      ).status,
    ).toBe(201);
    const them = await elevatedLogin('other-admin@example.com', PASSWORD, 'oauth-other');
    const theirs = await them.post('/api/v1/oauth/clients', web);
    expect([theirs.status, theirs.body.tenant_id]).toEqual([201, tenant.body.id]);

    const path = `/api/v1/oauth/clients/${mine.body.client_id}`;
    for (const res of [
      await them.get(path),
      await them.patch(path, { name: 'taken over' }),
      await them.post(`${path}/rotate-secret`),
      await them.delete(path),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.type).toMatch(/\/oauth-client-not-found$/);
    }
    const listed = (await them.get('/api/v1/oauth/clients?limit=100')).body;
    expect(listed.items.map((c: { client_id: string }) => c.client_id)).toEqual([
      theirs.body.client_id,
    ]);
    expect(listed.total).toBe(1);
    const unchanged = await admin.get(path);
    expect([unchanged.status, unchanged.body.name]).toEqual([200, web.name]);
    expect(await storedHash(mine.body.client_id)).toBe(sha256(mine.body.client_secret));
    expect((await admin.get(`/api/v1/oauth/clients/${theirs.body.client_id}`)).status).toBe(404);
  });

  it('changes settings under the same rules; the type is fixed', async () => {
    const created = (await admin.post('/api/v1/oauth/clients', web)).body;
    const path = `/api/v1/oauth/clients/${created.client_id}`;
    const changed = await admin.patch(path, {
      name: 'Reports v2',
      redirect_uris: ['https://reports.example.com/v2/cb'],
      post_logout_redirect_uris: ['https://reports.example.com/'],
      scopes: ['openid', 'goals:read'],
      grant_types: ['authorization_code'],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'Reports v2',
      client_type: 'confidential',
      redirect_uris: ['https://reports.example.com/v2/cb'],
      post_logout_redirect_uris: ['https://reports.example.com/'],
      scopes: ['openid', 'goals:read'],
      grant_types: ['authorization_code'],
    });
    expect(Object.keys(changed.body)).not.toContain('client_secret');
    expect(await storedHash(created.client_id)).toBe(sha256(created.client_secret));

    expect(fieldsOf(await admin.patch(path, { client_type: 'public' }))).toEqual(['client_type']);
    expect(fieldsOf(await admin.patch(path, { redirect_uris: [] }))).toEqual(['redirect_uris']);
    expect(fieldsOf(await admin.patch(path, { redirect_uris: ['http://x.example.com/'] }))).toEqual(
      ['redirect_uris.0'],
    );
    expect(fieldsOf(await admin.patch(path, { scopes: ['everything'] }))).toEqual(['scopes']);
    expect((await admin.get(path)).body.redirect_uris).toEqual([
      'https://reports.example.com/v2/cb',
    ]);
    expect(
      (await admin.patch('/api/v1/oauth/clients/avc_AAAAAAAAAAAAAAAAAAAAAA', { name: 'x' })).status,
    ).toBe(404);

    // the change is in the audit log, field by field
    const [entry] = await waitFor(
      () =>
        queryPostgres<{ changes: Array<{ field: string; old: unknown; new: unknown }> }>(
          db.url,
          `SELECT changes FROM audit_events
            WHERE resource_type = 'oauth-client' AND method = 'PATCH' AND resource_id = $1
              AND outcome = 'SUCCESS'`,
          [created.client_id],
        ).then((rows) => (rows.length ? rows : undefined)),
      { what: 'the audit entry of the change' },
    );
    expect(entry.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', old: web.name, new: 'Reports v2' },
        { field: 'scopes', old: created.scopes, new: ['openid', 'goals:read'] },
      ]),
    );
  });

  it('rotates the secret of a confidential client: a new one, once, and the old hash gone', async () => {
    const created = (await admin.post('/api/v1/oauth/clients', web)).body;
    const path = `/api/v1/oauth/clients/${created.client_id}`;
    signals.length = 0;
    const rotated = await admin.post(`${path}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).toMatch(/^avcs_/);
    expect(rotated.body.client_secret).not.toBe(created.client_secret);
    expect(rotated.body.secret_rotated_at).not.toBeNull();
    expect(await storedHash(created.client_id)).toBe(sha256(rotated.body.client_secret));
    // Redis hands the signal to every subscriber before it answers the publish, but this
    // process may read the HTTP answer before the subscriber's socket.
    await waitFor(
      () => signals.some((s) => s.kind === 'oauth-client' && s.clientId === created.client_id),
      { what: 'the oauth-client signal', timeoutMs: 5000 },
    );
    expect(Object.keys((await admin.get(path)).body)).not.toContain('client_secret');

    const [entry] = await waitFor(
      () =>
        queryPostgres<{ row: string }>(
          db.url,
          `SELECT row_to_json(a)::text AS row FROM audit_events a
            WHERE resource_id = $1 AND endpoint LIKE '%rotate-secret'`,
          [created.client_id],
        ).then((rows) => (rows.length ? rows : undefined)),
      { what: 'the audit entry of the rotation' },
    );
    expect(entry.row).toContain('client_secret');
    for (const secret of [created.client_secret, rotated.body.client_secret])
      for (const hidden of [secret, sha256(secret)]) expect(entry.row).not.toContain(hidden);

    const publicOne = await admin.post('/api/v1/oauth/clients', {
      ...web,
      client_type: 'public',
    });
    const refused = await admin.post(
      `/api/v1/oauth/clients/${publicOne.body.client_id}/rotate-secret`,
    );
    expect([refused.status, refused.body.type]).toEqual([
      409,
      expect.stringMatching(/\/oauth-client-public$/),
    ]);
    expect(await storedHash(publicOne.body.client_id)).toBeNull();
    const unelevated = await anonymous
      .withBearer(
        (
          await anonymous.post('/api/v1/auth/login', {
            email: TEST_ADMIN_EMAIL,
            password: TEST_ADMIN_PASSWORD,
          })
        ).body.token,
      )
      .post(`${path}/rotate-secret`);
    expect(unelevated.status).toBe(403);
  });

  it('deletes a client: 204, then 404 everywhere, announced to every process', async () => {
    const created = (await admin.post('/api/v1/oauth/clients', web)).body;
    const path = `/api/v1/oauth/clients/${created.client_id}`;
    signals.length = 0;
    expect((await admin.delete(path)).status).toBe(204);
    // Redis hands the signal to every subscriber before it answers the publish, but this
    // process may read the HTTP answer before the subscriber's socket.
    await waitFor(
      () => signals.some((s) => s.kind === 'oauth-client' && s.clientId === created.client_id),
      { what: 'the oauth-client signal', timeoutMs: 5000 },
    );
    for (const res of [
      await admin.get(path),
      await admin.delete(path),
      await admin.patch(path, { name: 'back' }),
      await admin.post(`${path}/rotate-secret`),
    ])
      expect(res.status).toBe(404);
    expect(await storedHash(created.client_id)).toBeNull();
    expect((await admin.get('/api/v1/oauth/clients/not-a-client-id')).status).toBe(404);
  });

  it('pages the list newest first, with the total', async () => {
    const tenant = await adminKey.post('/api/v1/tenants', {
      slug: 'oauth-paging',
      name: 'Paging',
      tier: 'ENTERPRISE',
    });
    const inTenant = adminKey.inTenant(tenant.body.id);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await inTenant.post('/api/v1/oauth/clients', { ...web, name: `client ${i}` });
      expect(res.status).toBe(201);
      made.push(res.body.client_id);
    }
    const pages = [];
    for (const offset of [0, 2, 4]) {
      const page = await inTenant.get(`/api/v1/oauth/clients?limit=2&offset=${offset}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 5, limit: 2, offset });
      pages.push(...page.body.items.map((c: { client_id: string }) => c.client_id));
    }
    expect(pages).toEqual([...made].reverse());
    const whole = (await inTenant.get('/api/v1/oauth/clients')).body;
    expect([whole.limit, whole.offset, whole.items.length]).toEqual([20, 0, 5]);
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'limit=x'])
      expect((await inTenant.get(`/api/v1/oauth/clients?${query}`)).status).toBe(400);
  });
});
