import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  waitFor,
} from '#testing';
import { BUILT_IN_ROLE_NAMES, effectivePermissions } from '../src/rbac/permissions';
import { PASSWORD, Principals } from './support/principals';
import { WsTestClient } from './support/ws-client';

/** Caches that outlive the test: only an invalidation can make a change hold at once. */
const LONG_CACHES = { AUTH_CACHE_TTL_MS: '600000', PERMISSION_CACHE_TTL_MS: '3600000' };

interface WireAccess {
  permission?: string;
  resource_type?: string;
  id_param?: string;
}

/** Inside one tenant, nobody acts on a principal who holds more than they do (embedded). */
describe('principal boundaries (embedded)', () => {
  let app: AppProcess;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let principals: Principals;

  beforeAll(async () => {
    app = await startApp({ env: LONG_CACHES });
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, admin);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("refuses a tenant admin every action on a system administrator's account and key, leaving them unchanged", async () => {
    const me = (await admin.get('/api/v1/auth/me')).body;
    const sysadminId: string = me.user_id;
    const sysadminKeyId: string = me.api_key_id;
    const before = (await admin.get(`/api/v1/api-keys/${sysadminKeyId}`)).body;
    const sysadminAssignment = (
      await admin.get(`/api/v1/role-assignments?user_id=${sysadminId}`)
    ).body.items.find((a: { role: string }) => a.role === 'system_admin');
    const { client: tenantAdmin } = await principals.signedIn(
      'ta-boundary@example.com',
      'tenant_admin',
    );

    type Attempt = () => Promise<{ status: number; body: { key?: string } }>;
    const attempts: Array<[string, Attempt, number]> = [
      ['read the key', () => tenantAdmin.get(`/api/v1/api-keys/${sysadminKeyId}`), 404],
      ['rotate the key', () => tenantAdmin.post(`/api/v1/api-keys/${sysadminKeyId}/rotate`), 404],
      ['revoke the key', () => tenantAdmin.post(`/api/v1/api-keys/${sysadminKeyId}/revoke`), 404],
      ['delete the key', () => tenantAdmin.delete(`/api/v1/api-keys/${sysadminKeyId}`), 404],
      [
        'reset the password',
        () => tenantAdmin.patch(`/api/v1/users/${sysadminId}`, { password: 'taken over at last' }),
        403,
      ],
      [
        'disable',
        () => tenantAdmin.patch(`/api/v1/users/${sysadminId}`, { status: 'disabled' }),
        403,
      ],
      [
        'rename',
        () => tenantAdmin.patch(`/api/v1/users/${sysadminId}`, { display_name: 'pwned' }),
        403,
      ],
      ['delete the account', () => tenantAdmin.delete(`/api/v1/users/${sysadminId}`), 403],
      [
        'assign a role',
        () => tenantAdmin.post('/api/v1/role-assignments', { user_id: sysadminId, role: 'viewer' }),
        403,
      ],
      [
        'remove the system_admin role',
        () => tenantAdmin.delete(`/api/v1/role-assignments/${sysadminAssignment.id}`),
        403,
      ],
    ];
    for (const [what, attempt, status] of attempts) {
      const res = await attempt();
      expect([what, res.status, res.body.key]).toEqual([what, status, undefined]);
    }
    const denied = await tenantAdmin.patch(`/api/v1/users/${sysadminId}`, { status: 'disabled' });
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(denied.body.type).toMatch(/forbidden-principal$/);
    const listed = (await tenantAdmin.get('/api/v1/api-keys')).body.items.map(
      (k: { id: string }) => k.id,
    );
    expect(listed).not.toContain(sysadminKeyId);

    // the target is unchanged: the key still works, the password still signs in
    expect((await admin.get('/api/v1/auth/me')).body).toMatchObject({
      user_id: sysadminId,
      roles: ['system_admin'],
    });
    expect(await principals.login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)).toMatch(/^avs_/);
    expect((await admin.get(`/api/v1/api-keys/${sysadminKeyId}`)).body).toEqual(
      expect.objectContaining({
        status: 'active',
        rotated_at: before.rotated_at,
        prefix: before.prefix,
      }),
    );
    expect((await admin.get(`/api/v1/users/${sysadminId}`)).body).toMatchObject({
      status: 'active',
      display_name: 'Administrator',
    });
  });

  it('follows the principal matrix: each actor role against each target role on every route that acts on a principal', async () => {
    const doc = (await anonymous.get('/docs-json')).body as {
      paths: Record<string, Record<string, { 'x-access'?: WireAccess }>>;
    };
    const actingRoutes = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          route: `${method.toUpperCase()} ${path}`,
          access: op['x-access'],
        })),
      )
      .filter(
        ({ route, access }) =>
          ['user', 'api-key', 'role-assignment', 'session'].includes(access?.resource_type ?? '') &&
          (access?.id_param || route === 'POST /api/v1/role-assignments') &&
          route !== 'GET /api/v1/users/{id}',
      )
      .map(({ route }) => route)
      .sort();
    const steps = [
      { route: 'GET /api/v1/api-keys/{id}', on: 'key', ok: 200 },
      { route: 'POST /api/v1/api-keys/{id}/rotate', on: 'key', ok: 200 },
      { route: 'PATCH /api/v1/users/{id}', on: 'user', ok: 200, body: { display_name: 'renamed' } },
      {
        route: 'PATCH /api/v1/users/{id}',
        on: 'user',
        ok: 200,
        body: { password: 'a brand new passphrase' },
      },
      { route: 'POST /api/v1/users/{id}/mfa/reset', on: 'user', ok: 204 },
      { route: 'POST /api/v1/role-assignments', on: 'assign', ok: 201 },
      { route: 'DELETE /api/v1/role-assignments/{id}', on: 'assignment', ok: 204 },
      { route: 'POST /api/v1/api-keys/{id}/revoke', on: 'key', ok: 200 },
      { route: 'DELETE /api/v1/api-keys/{id}', on: 'key', ok: 204 },
      { route: 'PATCH /api/v1/users/{id}', on: 'user', ok: 200, body: { status: 'disabled' } },
      { route: 'DELETE /api/v1/users/{id}', on: 'user', ok: 204 },
    ] as const;
    expect([...new Set(steps.map((s) => s.route))].sort()).toEqual(actingRoutes);
    const permissionOf = new Map(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => [
          `${method.toUpperCase()} ${path}`,
          op['x-access']?.permission,
        ]),
      ),
    );

    const actors: Record<string, ApiClient> = {};
    for (const role of BUILT_IN_ROLE_NAMES)
      actors[role] = (await principals.signedIn(`actor-${role}@example.com`, role)).client;

    let allowed = 0;
    let refused = 0;
    for (const actorRole of BUILT_IN_ROLE_NAMES)
      for (const targetRole of BUILT_IN_ROLE_NAMES) {
        const held = effectivePermissions([actorRole]);
        const covers = [...effectivePermissions([targetRole])].every((p) => held.has(p));
        // every target gets a key while an operator, then holds just its role
        const email = `target-${actorRole}-${targetRole}@example.com`;
        const target = await principals.createUser(email, 'operator');
        const key = await principals.createKey(anonymous.withBearer(await principals.login(email)));
        let assignmentId = target.assignmentId!;
        if (targetRole !== 'operator') {
          assignmentId = await principals.assign(target.id, targetRole);
          expect(
            (await admin.delete(`/api/v1/role-assignments/${target.assignmentId}`)).status,
          ).toBe(204);
        }

        let anyAllowed = false;
        for (const step of steps) {
          const permission = permissionOf.get(step.route)!;
          let expected: number;
          if (!held.has(permission)) expected = 403;
          else if (step.on === 'key')
            expected = held.has('api-key:manage') && covers ? step.ok : 404;
          else expected = covers ? step.ok : 403;
          const [method, path] = step.route.split(' ');
          const id =
            step.on === 'key' ? key.id : step.on === 'assignment' ? assignmentId : target.id;
          const body =
            step.on === 'assign'
              ? { user_id: target.id, role: 'viewer' }
              : 'body' in step
                ? step.body
                : undefined;
          const res = await actors[actorRole].request(method, path.replace('{id}', id), body);
          const label = `${actorRole} → ${targetRole}: ${step.route} ${JSON.stringify(body ?? {})}`;
          expect([label, res.status]).toEqual([label, expected]);
          if (res.status < 300) anyAllowed = true;
          if (expected < 300) allowed++;
          else refused++;
        }
        if (!anyAllowed) {
          // refused everything: the target is exactly as it was
          expect((await anonymous.withApiKey(key.key).get('/api/v1/auth/me')).status).toBe(200);
          expect(await principals.login(email)).toMatch(/^avs_/);
          expect((await admin.get(`/api/v1/users/${target.id}`)).body).toMatchObject({
            status: 'active',
            display_name: email.split('@')[0],
          });
        }
      }
    expect(allowed).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses a tenant admin the change or deletion of a custom role a stronger user holds (403), leaving the role, the assignment and the sessions', async () => {
    const { client: tenantAdmin } = await principals.signedIn(
      'ta-roles@example.com',
      'tenant_admin',
    );
    const created = await tenantAdmin.post('/api/v1/roles', {
      name: 'held-by-boss',
      permissions: ['audit:read'],
    });
    expect(created.status).toBe(201);
    const inheriting = await tenantAdmin.post('/api/v1/roles', {
      name: 'inherits-held',
      permissions: [],
      inherits: ['held-by-boss'],
    });
    expect(inheriting.status).toBe(201);
    const sysadminId: string = (await admin.get('/api/v1/auth/me')).body.user_id;
    const assignment = await principals.assign(sysadminId, 'inherits-held');
    const sysadminSession = anonymous.withBearer(
      await principals.login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD),
    );

    const changed = await tenantAdmin.patch('/api/v1/roles/held-by-boss', { permissions: [] });
    expect([changed.status, changed.body.type]).toEqual([
      403,
      expect.stringMatching(/forbidden-principal$/),
    ]);
    const deleted = await tenantAdmin.delete('/api/v1/roles/inherits-held');
    expect([deleted.status, deleted.body.type]).toEqual([
      403,
      expect.stringMatching(/forbidden-principal$/),
    ]);

    expect((await admin.get('/api/v1/roles/held-by-boss')).body.permissions).toEqual([
      'audit:read',
    ]);
    const held = (await admin.get(`/api/v1/role-assignments?user_id=${sysadminId}`)).body.items;
    expect(held.map((a: { id: string }) => a.id)).toContain(assignment);
    expect((await sysadminSession.get('/api/v1/auth/me')).status).toBe(200);

    // a role held only by weaker users stays the tenant admin's to change and delete, and so
    // does one whose stronger holder's window has ended
    const until = Date.now() + 1000;
    const closing = await admin.post('/api/v1/role-assignments', {
      user_id: sysadminId,
      role: 'inherits-held',
      valid_until: new Date(until).toISOString(),
    });
    expect(closing.body.id).toBe(assignment);
    await waitFor(async () => (Date.now() > until ? true : undefined), {
      what: "the administrator's window to end",
    });
    const weaker = await principals.createUser('weaker-holder@example.com', 'inherits-held');
    expect(weaker.assignmentId).toBeDefined();
    expect(
      (await tenantAdmin.patch('/api/v1/roles/held-by-boss', { permissions: [] })).status,
    ).toBe(200);
    expect((await tenantAdmin.delete('/api/v1/roles/inherits-held')).status).toBe(204);
  });

  it("lets a tenant admin's key reach other users' sessions only with admin:full (403 on the list, 404 on one)", async () => {
    const { client: tenantAdmin } = await principals.signedIn(
      'ta-keys@example.com',
      'tenant_admin',
    );
    const target = await principals.createUser('session-target@example.com');
    const signedIn = await anonymous.post('/api/v1/auth/login', {
      email: 'session-target@example.com',
      password: PASSWORD,
    });
    const targetSession = anonymous.withBearer(signedIn.body.token);
    const sessionId: string = signedIn.body.session_id;

    const narrow = anonymous.withApiKey(
      (await principals.createKey(tenantAdmin, ['read:goals', 'write:goals'])).key,
    );
    const listed = await narrow.get(`/api/v1/sessions?user_id=${target.id}`);
    expect([listed.status, listed.body.type]).toEqual([
      403,
      expect.stringMatching(/forbidden-admin$/),
    ]);
    expect((await narrow.delete(`/api/v1/sessions/${sessionId}`)).status).toBe(404);
    expect((await targetSession.get('/api/v1/auth/me')).status).toBe(200);

    const full = anonymous.withApiKey(
      (await principals.createKey(tenantAdmin, ['admin:full'])).key,
    );
    expect((await full.get(`/api/v1/sessions?user_id=${target.id}`)).status).toBe(200);
    expect((await full.delete(`/api/v1/sessions/${sessionId}`)).status).toBe(204);
    expect((await targetSession.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('refuses keys whose scopes the creator does not hold, at creation and at rotation (400 on scopes)', async () => {
    const operator = await principals.signedIn('scoper@example.com', 'operator');
    const scopeError = (res: { status: number; body: { errors?: Array<{ field: string }> } }) => [
      res.status,
      res.body.errors?.map((e) => e.field),
    ];
    for (const scopes of [
      ['read:users'],
      ['write:roles', 'read:goals'],
      ['admin:full'],
      ['write:tenants'],
    ]) {
      const res = await operator.client.post('/api/v1/api-keys', { name: 'too wide', scopes });
      expect([scopes, ...scopeError(res)]).toEqual([scopes, 400, ['scopes']]);
    }
    expect((await operator.client.get('/api/v1/api-keys')).body.items).toEqual([]);
    const fitting = await principals.createKey(operator.client, [
      'read:goals',
      'write:goals',
      'execute:agents',
    ]);

    // a key cannot mint a key wider than itself, even for an owner who holds more
    const narrow = await principals.createKey(admin, ['read:api-keys', 'write:api-keys']);
    const minted = await anonymous
      .withApiKey(narrow.key)
      .post('/api/v1/api-keys', { name: 'escalate', scopes: ['admin:full'] });
    expect(scopeError(minted)).toEqual([400, ['scopes']]);
    // nor an admin key, which would take the administrator's rights into any tenant
    const adminTyped = await anonymous
      .withApiKey(narrow.key)
      .post('/api/v1/api-keys', { name: 'escalate', type: 'admin', scopes: ['read:api-keys'] });
    expect(scopeError(adminTyped)).toEqual([400, ['type']]);

    // demoted to viewer: the owner no longer backs write:goals, so the key cannot be rotated
    await principals.assign(operator.id, 'viewer');
    const operatorAssignment = (
      await admin.get(`/api/v1/role-assignments?user_id=${operator.id}`)
    ).body.items.find((a: { role: string }) => a.role === 'operator');
    expect((await admin.delete(`/api/v1/role-assignments/${operatorAssignment.id}`)).status).toBe(
      204,
    );
    const rotated = await admin.post(`/api/v1/api-keys/${fitting.id}/rotate`);
    expect(scopeError(rotated)).toEqual([400, ['scopes']]);
    expect(rotated.body.key).toBeUndefined();
    expect((await admin.get(`/api/v1/api-keys/${fitting.id}`)).body.rotated_at).toBeNull();

    // with no role left, the owner is within anyone's reach; still, a key sees the keys of
    // others only if its scopes cover api-key:manage (write:api-keys)
    const viewerAssignment = (await admin.get(`/api/v1/role-assignments?user_id=${operator.id}`))
      .body.items[0];
    expect((await admin.delete(`/api/v1/role-assignments/${viewerAssignment.id}`)).status).toBe(
      204,
    );
    const listedBy = async (key: string) =>
      (await anonymous.withApiKey(key).get('/api/v1/api-keys')).body.items.map(
        (k: { id: string }) => k.id,
      );
    const readOnly = await principals.createKey(admin, ['read:api-keys']);
    expect(await listedBy(readOnly.key)).not.toContain(fitting.id);
    expect(await listedBy(narrow.key)).toContain(fitting.id);
  });

  it("keeps a platform administrator's narrowly scoped key to what its scopes cover: no other tenant's audit log, no first-party client", async () => {
    const otherTenant = '0190f0c4-0000-7000-8000-00000000beef';
    const auditKey = await principals.createKey(admin, ['read:audit']);
    const foreign = await anonymous
      .withApiKey(auditKey.key)
      .get(`/api/v1/audit?tenant_id=${otherTenant}`);
    expect(foreign.status).toBe(403);
    expect((await anonymous.withApiKey(auditKey.key).get('/api/v1/audit')).status).toBe(200);
    expect((await admin.get(`/api/v1/audit?tenant_id=${otherTenant}`)).status).toBe(200);

    const clientsKey = await principals.createKey(admin, ['write:oauth-clients']);
    const firstParty = await anonymous.withApiKey(clientsKey.key).post('/api/v1/oauth/clients', {
      name: 'skips consent',
      redirect_uris: ['https://app.example.com/callback'],
      skip_consent: true,
    });
    expect(firstParty.status).toBe(403);
    expect((await admin.get('/api/v1/oauth/clients')).body.items).not.toContainEqual(
      expect.objectContaining({ name: 'skips consent' }),
    );
  });

  it('ends sessions at once on a password change, a disable, a role removal and a delete; keys stop with the disable and the delete', async () => {
    const sessionsOf = async (email: string, n: number) => {
      const out: ApiClient[] = [];
      for (let i = 0; i < n; i++) out.push(anonymous.withBearer(await principals.login(email)));
      return out;
    };
    const status = async (client: ApiClient) => (await client.get('/api/v1/auth/me')).status;

    // an administrator resets the password: every session ends, the new password signs in
    const reset = await principals.createUser('reset@example.com', 'operator');
    const [resetA, resetB] = await sessionsOf('reset@example.com', 2);
    const resetKey = await principals.createKey(resetA);
    expect([await status(resetA), await status(resetB)]).toEqual([200, 200]);
    const newPassword = 'a fresh passphrase to use';
    expect((await admin.patch(`/api/v1/users/${reset.id}`, { password: newPassword })).status).toBe(
      200,
    );
    expect([await status(resetA), await status(resetB)]).toEqual([401, 401]);
    expect(await status(anonymous.withApiKey(resetKey.key))).toBe(200);
    await expect(principals.login('reset@example.com')).rejects.toThrow(/401/);
    expect(await principals.login('reset@example.com', newPassword)).toMatch(/^avs_/);

    // a user changing their own password keeps the session they change it in, and no other
    const self = await principals.createUser('self@example.com', 'tenant_admin');
    const [selfA, selfB] = await sessionsOf('self@example.com', 2);
    expect((await selfA.patch(`/api/v1/users/${self.id}`, { password: newPassword })).status).toBe(
      200,
    );
    expect([await status(selfA), await status(selfB)]).toEqual([200, 401]);

    // removing a role ends the sessions
    const demoted = await principals.createUser('demoted@example.com', 'operator');
    const [demotedSession] = await sessionsOf('demoted@example.com', 1);
    expect(await status(demotedSession)).toBe(200);
    expect((await admin.delete(`/api/v1/role-assignments/${demoted.assignmentId}`)).status).toBe(
      204,
    );
    expect(await status(demotedSession)).toBe(401);

    // a disable ends sessions and stops keys; enabling again brings the keys back, not the sessions
    const disabled = await principals.createUser('disabled@example.com', 'operator');
    const [disabledSession] = await sessionsOf('disabled@example.com', 1);
    const disabledKey = anonymous.withApiKey((await principals.createKey(disabledSession)).key);
    expect([await status(disabledSession), await status(disabledKey)]).toEqual([200, 200]);
    expect((await admin.patch(`/api/v1/users/${disabled.id}`, { status: 'disabled' })).status).toBe(
      200,
    );
    expect([await status(disabledSession), await status(disabledKey)]).toEqual([401, 401]);
    expect((await admin.patch(`/api/v1/users/${disabled.id}`, { status: 'active' })).status).toBe(
      200,
    );
    expect([await status(disabledSession), await status(disabledKey)]).toEqual([401, 200]);

    // a delete ends sessions and keys
    const deleted = await principals.createUser('deleted@example.com', 'operator');
    const [deletedSession] = await sessionsOf('deleted@example.com', 1);
    const deletedKey = anonymous.withApiKey((await principals.createKey(deletedSession)).key);
    expect([await status(deletedSession), await status(deletedKey)]).toEqual([200, 200]);
    expect((await admin.delete(`/api/v1/users/${deleted.id}`)).status).toBe(204);
    expect([await status(deletedSession), await status(deletedKey)]).toEqual([401, 401]);
  });

  it('closes the WebSocket connections of a user whose sessions end, and only theirs', async () => {
    const changed = await principals.createUser('ws-changed@example.com', 'operator');
    await principals.createUser('ws-bystander@example.com', 'operator');
    const connect = async (email: string) =>
      WsTestClient.connect(app.baseUrl, {
        authorization: `Bearer ${await principals.login(email)}`,
      });
    const mine = await connect('ws-changed@example.com');
    const bystander = await connect('ws-bystander@example.com');
    try {
      expect(
        (await admin.patch(`/api/v1/users/${changed.id}`, { password: 'reset by an admin now' }))
          .status,
      ).toBe(200);
      const closed = await waitFor(() => mine.closed, { what: 'the socket to close' });
      expect(closed.code).toBe(4401);
      const ack = await bystander.request('subscribe', { scope: 'tenant', last_event_id: 0 });
      expect(ack.event).toBe('ack');
      expect(bystander.closed).toBeUndefined();
    } finally {
      await Promise.all([mine.close(), bystander.close()]);
    }
  });

  it('closes the WebSocket connection of a revoked API key at once, not its sibling key', async () => {
    const scopes = ['read:goals', 'write:goals'];
    const revoked = await principals.createKey(admin, scopes);
    const sibling = await principals.createKey(admin, scopes);
    const revokedSocket = await WsTestClient.connect(app.baseUrl, { 'x-api-key': revoked.key });
    const siblingSocket = await WsTestClient.connect(app.baseUrl, { 'x-api-key': sibling.key });
    try {
      expect((await revokedSocket.request('ping', {})).event).toBe('ack');
      expect((await admin.post(`/api/v1/api-keys/${revoked.id}/revoke`)).status).toBe(200);
      const closed = await waitFor(() => revokedSocket.closed, { what: 'the socket to close' });
      expect(closed.code).toBe(4401);
      const ack = await siblingSocket.request('goal.submit', { goal: 'Say hi', subscribe: false });
      expect(ack.event).toBe('ack');
      expect(siblingSocket.closed).toBeUndefined();
    } finally {
      await Promise.all([revokedSocket.close(), siblingSocket.close()]);
    }
  });

  it('closes the WebSocket connection of an API key when the key expires', async () => {
    const expiring = await admin.post('/api/v1/api-keys', {
      name: 'expires soon',
      scopes: ['read:goals', 'write:goals'],
      expires_at: new Date(Date.now() + 3000).toISOString(),
    });
    expect(expiring.status).toBe(201);
    const socket = await WsTestClient.connect(app.baseUrl, { 'x-api-key': expiring.body.key });
    try {
      expect((await socket.request('ping', {})).event).toBe('ack');
      const closed = await waitFor(() => socket.closed, {
        what: 'the socket to close',
        timeoutMs: 10_000,
      });
      expect(closed.code).toBe(4401);
      // and REST refuses the key alike
      expect((await anonymous.withApiKey(expiring.body.key).get('/api/v1/goals')).status).toBe(401);
    } finally {
      await socket.close();
    }
  });
});
