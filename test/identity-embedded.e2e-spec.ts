import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { WsTestClient } from './support/ws-client';
import { ApiClient, AppProcess, startApp, TEST_ADMIN_API_KEY, tempDir, waitFor } from '#testing';
import { AccessPolicy, evaluateAccess } from '../src/auth/access-policy';
import { BUILT_IN_ROLE_NAMES, effectivePermissions } from '../src/rbac/permissions';

const DEFAULT_TENANT = '00000000-0000-0000-0000-000000000001';
const MISSING_ID = '0190f0c4-0000-7000-8000-000000000000';
const PASSWORD = 'correct horse battery staple';

interface WireAccess {
  public?: boolean;
  authenticated?: boolean;
  permission?: string;
  roles?: string[];
  admin?: 'tenant' | 'system';
  scopes?: string[];
  session?: boolean;
  mfa?: boolean;
  elevated?: boolean;
  resource_type?: string;
  id_param?: string;
}
interface Route {
  method: string;
  path: string;
  access?: WireAccess;
}

/** Identity and access on the embedded default: users, sessions, keys, RBAC, tenancy. */
describe('identity and access (embedded)', () => {
  let app: AppProcess;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let routes: Route[];

  beforeAll(async () => {
    app = await startApp();
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    const doc = await anonymous.get('/docs-json');
    routes = Object.entries(
      doc.body.paths as Record<string, Record<string, { 'x-access'?: WireAccess }>>,
    ).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        access: op['x-access'],
      })),
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function createUser(api: ApiClient, email: string, role?: string) {
    const user = await api.post('/api/v1/users', {
      email,
      display_name: email.split('@')[0],
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    if (role)
      expect(
        (await api.post('/api/v1/role-assignments', { user_id: user.body.id, role })).status,
      ).toBe(201);
    return user.body as { id: string; tenant_id: string };
  }

  async function login(email: string, tenant?: string) {
    const res = await anonymous.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
      ...(tenant ? { tenant } : {}),
    });
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  /** A session re-authenticated with the password, as dangerous routes require. */
  async function elevatedLogin(email: string, tenant?: string) {
    const res = await anonymous
      .withBearer(await login(email, tenant))
      .post('/api/v1/sessions/current/elevate', { password: PASSWORD });
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  async function createKey(body: Record<string, unknown>) {
    const res = await admin.post('/api/v1/api-keys', {
      name: 'test',
      scopes: ['admin:full'],
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string };
  }

  it('bootstraps the admin key from BOOTSTRAP_ADMIN_API_KEY and prints nothing secret beyond it', async () => {
    const me = await admin.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      principal_kind: 'api_key',
      tenant_id: DEFAULT_TENANT,
      roles: ['system_admin'],
      scopes: ['admin:full'],
    });
    expect(me.body.permissions.length).toBeGreaterThanOrEqual(40);
    expect(app.output()).toContain('Admin API key: the value of BOOTSTRAP_ADMIN_API_KEY');
    expect(app.output()).not.toContain(TEST_ADMIN_API_KEY);
  });

  it("keeps the embedded database's files from other users of the machine", async () => {
    const dataDir = join(tempDir(), 'data');
    const database = join(dataDir, 'pglite');
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    await (await startApp({ env: { DATA_DIR: dataDir } })).stop();
    expect(mode(database)).toBe('700');
    // as an earlier version left it: PGlite's files are readable and writable by everyone
    chmodSync(database, 0o755);
    const restarted = await startApp({ env: { DATA_DIR: dataDir } });
    try {
      expect(mode(database)).toBe('700');
      expect(restarted.output()).toContain(`${database} was mode 755; it is now 700`);
    } finally {
      await restarted.stop();
    }
  });

  it('refuses a blank display name, at creation and by a change', async () => {
    const blank = await admin.post('/api/v1/users', {
      email: 'blank-name@example.com',
      display_name: ' \t ',
      password: PASSWORD,
    });
    expect([blank.status, blank.body.errors]).toEqual([
      400,
      [{ field: 'display_name', message: 'must not be blank' }],
    ]);
    const user = await createUser(admin, 'named@example.com');
    const renamed = await admin.patch(`/api/v1/users/${user.id}`, { display_name: '   ' });
    expect([
      renamed.status,
      (await admin.get(`/api/v1/users/${user.id}`)).body.display_name,
    ]).toEqual([400, 'named']);
  });

  it('puts an access rule on every route of the route table (a route without one fails here)', async () => {
    const mapped = [...app.output().matchAll(/Mapped \{([^,]+), (\w+)\} route/g)].map(
      (m) => `${m[2]} ${m[1].replace(/:(\w+)/g, '{$1}')}`,
    );
    expect(mapped.length).toBeGreaterThan(30);
    const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const route of mapped) expect(documented).toContain(route);
    const missing = routes.filter(
      (r) =>
        !r.access ||
        !(
          r.access.public ||
          r.access.authenticated ||
          r.access.permission ||
          r.access.roles ||
          r.access.admin ||
          r.access.scopes
        ),
    );
    expect(missing).toEqual([]);
    const publicRoutes = routes
      .filter((r) => r.access?.public)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(publicRoutes).toEqual([
      'GET /api/v1/auth/session',
      'GET /api/v1/sso/sign-in-options',
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /sso/callback/{provider}',
      'GET /sso/login/{provider}',
      'GET /sso/saml/{provider}/logout/callback',
      'GET /sso/saml/{provider}/metadata',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/mfa/send',
      'POST /api/v1/auth/mfa/verify',
      'POST /sso/callback/{provider}',
      'POST /sso/mfa',
      'POST /sso/saml/{provider}/logout/callback',
    ]);
    expect((await anonymous.get('/docs-json')).status).toBe(200);
  });

  it('says whether the caller is signed in without refusing: no credential, a bad one, a live one', async () => {
    expect((await anonymous.get('/api/v1/auth/session')).body).toEqual({ signed_in: false });
    const forged = await anonymous.withBearer('avs_forged').get('/api/v1/auth/session');
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({ signed_in: false });
    const live = await admin.get('/api/v1/auth/session');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ signed_in: true });
  });

  it('follows the permission matrix: each built-in role against each protected route', async () => {
    const tokens: Record<string, string> = {};
    for (const role of BUILT_IN_ROLE_NAMES) {
      await createUser(admin, `matrix-${role}@example.com`, role);
      tokens[role] = await login(`matrix-${role}@example.com`);
    }
    // Leaving out the routes that end or replace the session the matrix signs in with.
    const protectedRoutes = routes.filter(
      (r) =>
        !r.access?.public &&
        r.path !== '/api/v1/auth/logout' &&
        r.path !== '/sso/logout' &&
        r.path !== '/api/v1/sessions/current/rotate',
    );
    let allowedCount = 0;
    let deniedCount = 0;
    for (const role of BUILT_IN_ROLE_NAMES) {
      const client = anonymous.withBearer(tokens[role]);
      const subject = {
        roles: new Set([role]),
        permissions: effectivePermissions([role]),
        session: { id: 'matrix', mfaVerified: false, enrollmentOnly: false, elevatedUntil: null },
      };
      for (const route of protectedRoutes) {
        const policy: AccessPolicy = {
          authenticated: route.access!.authenticated ? true : undefined,
          permission: route.access!.permission,
          roles: route.access!.roles,
          admin: route.access!.admin,
          scopes: route.access!.scopes,
          session: route.access!.session ? true : undefined,
          mfa: route.access!.mfa ? true : undefined,
          elevated: route.access!.elevated ? true : undefined,
        };
        const expected = evaluateAccess(policy, subject).allowed;
        const path = route.path
          .replace('{id}', MISSING_ID)
          .replace('{name}', 'no-such-role')
          .replace('{kind}', 'totp');
        const res = await client.request<{ type: string }>(
          route.method,
          path,
          ['POST', 'PATCH'].includes(route.method) ? {} : undefined,
        );
        const label = `${role} ${route.method} ${route.path} → ${res.status}`;
        if (expected) {
          allowedCount++;
          expect([label, res.status !== 403 && res.status !== 401]).toEqual([label, true]);
        } else {
          deniedCount++;
          expect([label, res.status, res.body.type]).toEqual([
            label,
            403,
            expect.stringMatching(/forbidden-|elevation-required|mfa-required/),
          ]);
        }
      }
    }
    expect(allowedCount).toBeGreaterThan(20);
    expect(deniedCount).toBeGreaterThan(20);
  });

  it('logs in with a session cookie and bearer token, and logs out', async () => {
    await createUser(admin, 'session@example.com', 'viewer');
    const res = await anonymous.post('/api/v1/auth/login', {
      email: 'Session@Example.com',
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^av_session=avs_[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const token = res.body.token;
    const viaCookie = await anonymous
      .withHeaders({ cookie: `av_session=${token}` })
      .get('/api/v1/auth/me');
    expect(viaCookie.body).toMatchObject({
      principal_kind: 'user',
      email: 'session@example.com',
      roles: ['viewer'],
    });
    const viaBearer = anonymous.withBearer(token);
    expect((await viaBearer.get('/api/v1/goals')).status).toBe(200);
    expect((await viaBearer.post('/api/v1/goals', { goal: 'x' })).status).toBe(403);
    expect((await viaBearer.post('/api/v1/auth/logout')).status).toBe(204);
    const after = await viaBearer.get('/api/v1/auth/me');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/Bearer/);
  });

  it('locks an account after repeated failures, and locks unknown emails the same way', async () => {
    await createUser(admin, 'lockme@example.com');
    for (const email of ['lockme@example.com', 'nobody-lock@example.com']) {
      for (let i = 0; i < 5; i++) {
        const res = await anonymous.post('/api/v1/auth/login', {
          email,
          password: 'wrong password',
        });
        expect(res.status).toBe(401);
        expect(res.body.type).toMatch(/invalid-login$/);
      }
      const locked = await anonymous.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(locked.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('checks no more passwords than the lock allows when wrong ones arrive at once', async () => {
    await createUser(admin, 'burst@example.com');
    for (const email of ['burst@example.com', 'nobody-burst@example.com']) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          anonymous.post('/api/v1/auth/login', { email, password: 'wrong password' }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
      const after = await anonymous.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(after.status).toBe(429);
    }
  });

  it('takes as long for a wrong password as for an unknown user (both hash)', async () => {
    await createUser(admin, 'timing@example.com');
    const time = async (email: string) => {
      const started = performance.now();
      const res = await anonymous.post('/api/v1/auth/login', { email, password: 'wrong password' });
      expect(res.status).toBe(401);
      return performance.now() - started;
    };
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      existing.push(await time('timing@example.com'));
      unknown.push(await time(`timing-nobody-${i}@example.com`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(unknown) / median(existing);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('refuses bad keys with one answer that never shows whether the key id exists', async () => {
    const real = await createKey({});
    const realId = real.key.slice(3, 15);
    const wrongSecret = `ak_${realId}_${'B'.repeat(43)}`;
    const unknownId = `ak_${realId === 'ffffffffffff' ? 'eeeeeeeeeeee' : 'ffffffffffff'}_${'B'.repeat(43)}`;
    const bodies = [];
    for (const key of ['ak_nope', wrongSecret, unknownId, `${real.key}x`]) {
      const res = await anonymous.withApiKey(key).get('/api/v1/goals');
      expect(res.status).toBe(401);
      bodies.push({ ...res.body, instance: undefined });
    }
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({
      type: expect.stringMatching(/invalid-credentials$/),
      detail: 'The API key is not valid.',
    });
    expect((await anonymous.withBearer(real.key).get('/api/v1/goals')).status).toBe(200);
  });

  it('refuses expired, revoked, wrong-IP, under-scoped and over-limit keys with the right status', async () => {
    const expiring = await createKey({ expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await anonymous.withApiKey(expiring.key).get('/api/v1/goals')).status).toBe(200);
    const expired = await waitFor(
      async () => {
        const res = await anonymous.withApiKey(expiring.key).get('/api/v1/goals');
        return res.status === 401 ? res : undefined;
      },
      { what: 'the key to expire' },
    );
    expect(expired.body.type).toMatch(/credential-expired$/);

    const revoked = await createKey({});
    expect((await admin.post(`/api/v1/api-keys/${revoked.id}/revoke`)).body.status).toBe('revoked');
    const revokedRes = await anonymous.withApiKey(revoked.key).get('/api/v1/goals');
    expect([revokedRes.status, revokedRes.body.type]).toEqual([
      401,
      expect.stringMatching(/credential-revoked$/),
    ]);

    const elsewhere = await createKey({ allowed_ips: ['203.0.113.7'] });
    const ipRes = await anonymous.withApiKey(elsewhere.key).get('/api/v1/goals');
    expect([ipRes.status, ipRes.body.type]).toEqual([
      403,
      expect.stringMatching(/ip-not-allowed$/),
    ]);
    const local = await createKey({ allowed_cidrs: ['127.0.0.0/8'], blocked_ips: ['10.0.0.1'] });
    expect((await anonymous.withApiKey(local.key).get('/api/v1/goals')).status).toBe(200);

    const reader = await createKey({ scopes: ['read:goals'] });
    expect((await anonymous.withApiKey(reader.key).get('/api/v1/goals')).status).toBe(200);
    const scopeRes = await anonymous.withApiKey(reader.key).post('/api/v1/goals', { goal: 'x' });
    expect([scopeRes.status, scopeRes.body.type]).toEqual([
      403,
      expect.stringMatching(/forbidden-scope$/),
    ]);

    const limited = await createKey({ rate_limits: { per_minute: 3, burst: 10 } });
    for (let i = 0; i < 3; i++)
      expect((await anonymous.withApiKey(limited.key).get('/api/v1/goals')).status).toBe(200);
    const over = await anonymous.withApiKey(limited.key).get('/api/v1/goals');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.body).toMatchObject({
      type: expect.stringMatching(/rate-limited$/),
      retry_after_s: expect.any(Number),
    });
  });

  it('shows the plaintext once, rotates, revokes and deletes keys', async () => {
    const created = await createKey({
      name: 'rotating',
      scopes: ['read:goals'],
      rate_limits: { per_hour: 50 },
    });
    expect(created.key).toMatch(/^ak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const shown = await admin.get(`/api/v1/api-keys/${created.id}`);
    expect(shown.body).toMatchObject({
      name: 'rotating',
      status: 'active',
      type: 'personal',
      scopes: ['read:goals'],
      prefix: created.key.slice(0, 16),
    });
    expect(shown.body.rate_limits).toMatchObject({ per_hour: 50, per_minute: 600 });
    expect(JSON.stringify(shown.body)).not.toContain(created.key.slice(16));
    expect(JSON.stringify((await admin.get('/api/v1/api-keys')).body)).not.toContain(
      created.key.slice(16),
    );
    await waitFor(
      async () =>
        (await admin.get(`/api/v1/api-keys/${created.id}`)).body.last_used_at === null
          ? true
          : undefined,
      { what: 'unused' },
    );

    const rotated = await admin.post(`/api/v1/api-keys/${created.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).not.toBe(created.key);
    expect((await anonymous.withApiKey(created.key).get('/api/v1/goals')).status).toBe(401);
    expect((await anonymous.withApiKey(rotated.body.key).get('/api/v1/goals')).status).toBe(200);
    await waitFor(
      async () =>
        (await admin.get(`/api/v1/api-keys/${created.id}`)).body.last_used_at ? true : undefined,
      { what: 'last use recorded' },
    );

    expect((await admin.delete(`/api/v1/api-keys/${created.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/api-keys/${created.id}`)).status).toBe(404);
    expect((await anonymous.withApiKey(rotated.body.key).get('/api/v1/goals')).status).toBe(401);

    const bad = await admin.post('/api/v1/api-keys', {
      name: 'x',
      scopes: ['fly:planes'],
      allowed_cidrs: ['10.0.0.0/99'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'allowed_cidrs',
      'scopes',
    ]);
    // a day the month does not have is refused, not moved into the next month
    const impossible = await admin.post('/api/v1/api-keys', {
      name: 'x',
      scopes: ['read:goals'],
      expires_at: `${new Date().getUTCFullYear() + 1}-02-30T00:00:00Z`,
    });
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors).toEqual([
      { field: 'expires_at', message: 'must be a valid ISO 8601 date string' },
    ]);
  });

  it("answers 404 for another tenant's goals, users, keys and assignments, and refuses foreign tenants", async () => {
    const tenant = await admin.post('/api/v1/tenants', {
      slug: 'other',
      name: 'Other Inc',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    const otherAdmin = admin.inTenant(tenant.body.id);
    expect((await otherAdmin.get('/api/v1/tenants/current')).body.slug).toBe('other');
    const outsider = await createUser(otherAdmin, 'outsider@example.com', 'tenant_admin');
    expect(outsider.tenant_id).toBe(tenant.body.id);
    const them = anonymous.withBearer(await elevatedLogin('outsider@example.com', 'other'));
    expect((await them.get('/api/v1/auth/me')).body).toMatchObject({
      tenant_id: tenant.body.id,
      roles: ['tenant_admin'],
    });

    const goal = await admin.post('/api/v1/goals', { goal: 'Say hello' });
    const me = (await admin.get('/api/v1/auth/me')).body;
    const key = await createKey({});
    for (const path of [
      `/api/v1/goals/${goal.body.goal_id}`,
      `/api/v1/goals/${goal.body.goal_id}/tasks`,
      `/api/v1/goals/${goal.body.goal_id}/events`,
      `/api/v1/users/${me.user_id}`,
      `/api/v1/api-keys/${key.id}`,
    ]) {
      const res = await them.get(path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await them.post(`/api/v1/goals/${goal.body.goal_id}/cancel`)).status).toBe(404);
    expect((await them.post(`/api/v1/api-keys/${key.id}/revoke`)).status).toBe(404);
    expect((await them.delete(`/api/v1/users/${me.user_id}`)).status).toBe(404);
    expect(
      (await them.post('/api/v1/role-assignments', { user_id: me.user_id, role: 'viewer' })).status,
    ).toBe(404);
    expect((await them.get(`/api/v1/role-assignments?user_id=${me.user_id}`)).body.items).toEqual(
      [],
    );
    expect((await them.get('/api/v1/goals')).body.items).toEqual([]);
    const foreign = await them.inTenant(DEFAULT_TENANT).get('/api/v1/goals');
    expect([foreign.status, foreign.body.type]).toEqual([
      403,
      expect.stringMatching(/tenant-access-denied$/),
    ]);
    const tenantBound = await createKey({ type: 'personal' });
    const keyElsewhere = await anonymous
      .withApiKey(tenantBound.key)
      .inTenant(tenant.body.id)
      .get('/api/v1/goals');
    expect([keyElsewhere.status, keyElsewhere.body.type]).toEqual([
      403,
      expect.stringMatching(/tenant-access-denied$/),
    ]);
    expect((await admin.get(`/api/v1/goals/${goal.body.goal_id}`)).status).toBe(200);

    // the WebSocket gateway goes through the same pipeline
    const outsiderToken = await login('outsider@example.com', 'other');
    const ws = await WsTestClient.connect(app.baseUrl, {
      authorization: `Bearer ${outsiderToken}`,
    });
    try {
      const subscribe = await ws.request('subscribe', { goal_id: goal.body.goal_id });
      expect([subscribe.event, subscribe.data.status]).toEqual(['error', 404]);
      const cancel = await ws.request('goal.cancel', { goal_id: goal.body.goal_id });
      expect([cancel.event, cancel.data.status]).toEqual(['error', 404]);
      const tenantWide = await ws.request('subscribe', { scope: 'tenant', last_event_id: 0 });
      expect(tenantWide.event).toBe('ack');
      expect(ws.events(goal.body.goal_id)).toEqual([]);
    } finally {
      ws.socket.close();
    }
    const anonymousSocket = new WebSocket(`${app.baseUrl.replace(/^http/, 'ws')}/ws`);
    const closed = await new Promise<number>((resolve) => anonymousSocket.once('close', resolve));
    expect(closed).toBe(4401);
  });

  it('manages custom roles and time-boxed assignments, invalidating cached permissions at once', async () => {
    const role = await admin.post('/api/v1/roles', {
      name: 'auditor',
      permissions: ['audit:read'],
      inherits: ['viewer'],
    });
    expect(role.status).toBe(201);
    const user = await createUser(admin, 'auditor@example.com');
    let client = anonymous.withBearer(await elevatedLogin('auditor@example.com'));
    expect((await client.get('/api/v1/goals')).status).toBe(403);
    const assigned = await admin.post('/api/v1/role-assignments', {
      user_id: user.id,
      role: 'auditor',
    });
    expect(assigned.status).toBe(201);
    expect((await client.get('/api/v1/goals')).status).toBe(200);
    expect((await client.get('/api/v1/auth/me')).body.permissions).toContain('audit:read');

    expect((await admin.patch('/api/v1/roles/auditor', { inherits: [] })).status).toBe(200);
    expect((await client.get('/api/v1/goals')).status).toBe(403);
    expect((await admin.delete(`/api/v1/role-assignments/${assigned.body.id}`)).status).toBe(204);
    // removing a role ends the user's sessions; a new one carries what is left
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
    client = anonymous.withBearer(await elevatedLogin('auditor@example.com'));
    expect((await client.get('/api/v1/auth/me')).body.permissions).toEqual([]);

    const future = await admin.post('/api/v1/role-assignments', {
      user_id: user.id,
      role: 'viewer',
      valid_from: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(201);
    expect((await client.get('/api/v1/goals')).status).toBe(403);
    const window = await admin.post('/api/v1/role-assignments', {
      user_id: user.id,
      role: 'viewer',
      valid_from: new Date(Date.now() - 1000).toISOString(),
      valid_until: new Date(Date.now() + 1500).toISOString(),
    });
    expect(window.status).toBe(201);
    expect((await client.get('/api/v1/goals')).status).toBe(200);
    await waitFor(
      async () => ((await client.get('/api/v1/goals')).status === 403 ? true : undefined),
      { what: 'the window to close' },
    );

    // a window that has already ended is refused, and the assignment it would move is kept
    const ended = await admin.post('/api/v1/role-assignments', {
      user_id: user.id,
      role: 'viewer',
      valid_until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect([ended.status, ended.body.errors?.map((e: { field: string }) => e.field)]).toEqual([
      400,
      ['valid_until'],
    ]);
    const kept = (await admin.get(`/api/v1/role-assignments?user_id=${user.id}`)).body.items;
    expect(kept.find((a: { role: string }) => a.role === 'viewer').valid_until).toBe(
      window.body.valid_until,
    );

    const cycle = await admin.patch('/api/v1/roles/auditor', { inherits: ['auditor'] });
    expect(cycle.status).toBe(400);
    const unknown = await admin.post('/api/v1/roles', { name: 'bad', permissions: ['goal:fly'] });
    expect(unknown.body.errors[0].field).toBe('permissions');
    expect((await admin.delete('/api/v1/roles/viewer')).status).toBe(409);
    expect((await admin.delete('/api/v1/roles/auditor')).status).toBe(204);
  });

  it('lets nobody grant what they do not hold', async () => {
    await createUser(admin, 'ta@example.com', 'tenant_admin');
    const tenantAdmin = anonymous.withBearer(await elevatedLogin('ta@example.com'));
    const target = await createUser(admin, 'target@example.com');
    const escalate = await tenantAdmin.post('/api/v1/role-assignments', {
      user_id: target.id,
      role: 'system_admin',
    });
    expect(escalate.status).toBe(400);
    expect(escalate.body.errors[0].message).toMatch(/admin:system/);
    const customEscalation = await tenantAdmin.post('/api/v1/roles', {
      name: 'sneaky',
      permissions: ['tenant:create'],
    });
    expect(customEscalation.status).toBe(400);
    expect(
      (await tenantAdmin.post('/api/v1/role-assignments', { user_id: target.id, role: 'operator' }))
        .status,
    ).toBe(201);

    // may create tenants, yet not make their owner a tenant_admin: refused, nothing stored
    expect(
      (await admin.post('/api/v1/roles', { name: 'tenant-maker', permissions: ['tenant:create'] }))
        .status,
    ).toBe(201);
    await createUser(admin, 'maker@example.com', 'tenant-maker');
    const maker = anonymous.withBearer(await elevatedLogin('maker@example.com'));
    const owned = await maker.post('/api/v1/tenants', {
      slug: 'made-by-maker',
      name: 'Made',
      owner_email: 'owner@made.example',
    });
    expect([owned.status, owned.body.errors?.map((e: { field: string }) => e.field)]).toEqual([
      400,
      ['owner_email'],
    ]);
    const slugs = (await admin.get('/api/v1/tenants')).body.items.map(
      (t: { slug: string }) => t.slug,
    );
    expect(slugs).not.toContain('made-by-maker');
    expect(
      (await maker.post('/api/v1/tenants', { slug: 'made-by-maker', name: 'Made' })).status,
    ).toBe(201);
  });
});
