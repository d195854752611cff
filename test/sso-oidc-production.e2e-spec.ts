import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  freePort,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
} from '#testing';
import { totpCode } from '../src/mfa/kit/totp';
import { Principals } from './support/principals';
import { CrossOriginBrowser, firstForm } from './support/cross-origin-browser';
import { startTestIdp, type TestIdp } from './support/test-oidc-idp';

const ACCOUNTS = {
  alice: { email: 'alice@acme.test', email_verified: true, name: 'Alice', groups: ['engineers'] },
  mallory: { email: 'mallory@evil.test', email_verified: true, name: 'Mallory' },
  carol: { email: 'carol@acme.test', email_verified: false, name: 'Carol' },
  bob: { email: 'bob@acme.test', email_verified: true, name: 'Bob' },
  // passes the IdP's own second factor: its ID token says amr ["pwd", "mfa"]
  dana: { email: 'dana@acme.test', email_verified: true, name: 'Dana', amr: ['pwd', 'mfa'] },
  erin: { email: 'erin@acme.test', email_verified: true, name: 'Erin' },
  frank: { email: 'frank@acme.test', email_verified: true, name: 'Frank' },
};
const PASSWORD = 'correct horse battery staple';

/**
 * Staff sign in through their tenant's OpenID Connect identity provider (a real one,
 * oidc-provider, started by the test), on the built product in production mode: discovery,
 * state, nonce, PKCE and the ID token checked; just-in-time users with mapped roles; the
 * tenant's domain rules; refusals of a missing, wrong or replayed state, an unverified email
 * for an existing account, and a redirect elsewhere.
 */
describe('single sign-on with OpenID Connect (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let idp: TestIdp;
  let tenantId: string;
  let providerId: string;
  /** A second provider of the tenant at the same IdP, created disabled, for the admin API. */
  let spareId: string;
  let admin: ApiClient;
  let inAcme: ApiClient;

  /** A session elevated with the password, as dangerous routes need. */
  async function elevatedLogin(email: string, tenant: string): Promise<ApiClient> {
    const anonymous = new ApiClient(app.baseUrl);
    const login = await anonymous.post('/api/v1/auth/login', { email, password: PASSWORD, tenant });
    expect([email, login.status]).toEqual([email, 200]);
    const elevated = await anonymous
      .withBearer(login.body.token)
      .post('/api/v1/sessions/current/elevate', { password: PASSWORD });
    expect([email, elevated.status]).toEqual([email, 200]);
    return anonymous.withBearer(elevated.body.token as string);
  }

  /** A user of Acme with `role` and TOTP enrolled through the API; answers the secret. */
  async function acmeUserWithTotp(email: string, role = 'viewer'): Promise<string> {
    const user = await inAcme.post('/api/v1/users', {
      email,
      display_name: email.split('@')[0],
      password: PASSWORD,
    });
    expect(user.status).toBe(201);
    expect(
      (await inAcme.post('/api/v1/role-assignments', { user_id: user.body.id, role })).status,
    ).toBe(201);
    const api = new ApiClient(app.baseUrl);
    const login = await api.post('/api/v1/auth/login', {
      email,
      password: PASSWORD,
      tenant: 'acme',
    });
    const signedIn = api.withBearer(login.body.token as string);
    const enrolled = await signedIn.post('/api/v1/mfa/totp/enroll');
    const secret = enrolled.body.secret as string;
    const confirmed = await signedIn.post('/api/v1/mfa/totp/confirm', {
      code: totpCode(secret, Date.now()),
    });
    expect(confirmed.status).toBe(200);
    return secret;
  }

  /** Signs in at the test IdP as `login` and answers the page the product ends on. */
  async function signIn(login: string, start: string, browser = new CrossOriginBrowser()) {
    const atIdp = await browser.go(`${app.baseUrl}${start}`);
    if (!atIdp.url.startsWith(idp.issuer)) return { browser, page: atIdp, callback: undefined };
    const loginForm = firstForm(atIdp.body, atIdp.url);
    const consent = await browser.go(loginForm.action, {
      ...loginForm.fields,
      login,
      password: 'any',
    });
    const consentForm = firstForm(consent.body, consent.url);
    let callback: string | undefined;
    await browser.go(consentForm.action, consentForm.fields, (url) => {
      if (url.pathname.startsWith('/sso/callback/')) callback = url.href;
      return url.pathname.startsWith('/sso/callback/');
    });
    const page = await browser.go(
      callback!,
      undefined,
      (url) => url.origin === app.baseUrl && !url.pathname.startsWith('/sso/'),
    );
    return { browser, page, callback };
  }

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const idpPort = await freePort();
    app = await startApp({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: uniqueQueuePrefix(),
        PROCESS_JOBS: 'false',
        SSO_ALLOW_HOSTS: `127.0.0.1:${idpPort}`,
        MFA_ENCRYPTION_KEY: 'a'.repeat(64),
      },
    });
    const anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withBearer(
      await new Principals(anonymous, anonymous).login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD),
    );
    const tenant = await admin.post('/api/v1/tenants', {
      name: 'Acme',
      slug: 'acme',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    tenantId = tenant.body.id;
    inAcme = admin.inTenant(tenantId);
    const created = await inAcme.post('/api/v1/sso/providers', {
      name: 'Acme login',
      template: 'oidc',
      settings: {
        issuer: `http://127.0.0.1:${idpPort}`,
        client_id: 'village',
        scopes: ['openid', 'email', 'profile'],
      },
      client_secret: 'village-secret',
      allowed_domains: ['acme.test', 'evil.test'],
      blocked_domains: ['evil.test'],
      default_role: 'viewer',
      group_roles: { engineers: 'developer' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ protocol: 'oidc', has_client_secret: true });
    expect(JSON.stringify(created.body)).not.toContain('village-secret');
    providerId = created.body.id;
    const spare = await inAcme.post('/api/v1/sso/providers', {
      name: 'Spare login',
      template: 'oidc',
      enabled: false,
      settings: { issuer: `http://127.0.0.1:${idpPort}`, client_id: 'village' },
      client_secret: 'village-secret',
      allowed_domains: ['acme.test'],
      default_role: 'viewer',
    });
    expect(spare.status).toBe(201);
    spareId = spare.body.id;
    idp = await startTestIdp({
      port: idpPort,
      clientId: 'village',
      clientSecret: 'village-secret',
      redirectUri: [created.body.callback_url, spare.body.callback_url],
      accounts: ACCOUNTS,
    });
    await inAcme.post('/api/v1/users', {
      email: 'carol@acme.test',
      display_name: 'Carol',
      password: PASSWORD,
    });
    const test = await inAcme.post(`/api/v1/sso/providers/${providerId}/test`);
    expect(test.body).toMatchObject({ ok: true, issuer: idp.issuer });
  });

  afterAll(async () => {
    await idp?.stop();
    await app?.stop();
    await db?.drop();
  });

  it('creates the user just in time in the right tenant with the mapped roles, and reuses it', async () => {
    const first = await signIn('alice', `/sso/login/${providerId}?redirect_to=/goals`);
    expect(new URL(first.page.url).pathname).toBe('/goals');
    const cookie = first.browser.cookie(app.baseUrl, 'av_session')!;
    expect(cookie).toMatch(/^avs_/);
    const me = await new ApiClient(app.baseUrl).withBearer(cookie).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant_id: tenantId, email: 'alice@acme.test' });
    expect(me.body.roles.sort()).toEqual(['developer', 'viewer']);
    const sessions = await new ApiClient(app.baseUrl).withBearer(cookie).get('/api/v1/sessions');
    expect(sessions.body.items[0]).toMatchObject({ auth_method: 'sso' });

    const second = await signIn('alice', `/sso/login/${providerId}`);
    const again = await new ApiClient(app.baseUrl)
      .withBearer(second.browser.cookie(app.baseUrl, 'av_session')!)
      .get('/api/v1/auth/me');
    expect(again.body.user_id).toBe(me.body.user_id);
    const users = await queryPostgres<{ n: string }>(
      db.url,
      `SELECT count(*) AS n FROM users WHERE email = 'alice@acme.test'`,
    );
    expect(Number(users[0].n)).toBe(1);
  });

  it('asks for our second factor after the provider when the user has one', async () => {
    const api = new ApiClient(app.baseUrl);
    await api.withApiKey(TEST_ADMIN_API_KEY).inTenant(tenantId).post('/api/v1/users', {
      email: 'bob@acme.test',
      display_name: 'Bob',
      password: 'correct horse battery staple',
    });
    const login = await api.post('/api/v1/auth/login', {
      email: 'bob@acme.test',
      password: 'correct horse battery staple',
      tenant: 'acme',
    });
    expect(login.body).toMatchObject({ status: 'authenticated' });
    const bob = api.withBearer(login.body.token as string);
    const enrolled = await bob.post('/api/v1/mfa/totp/enroll');
    expect(enrolled.body).toMatchObject({ secret: expect.any(String) });
    const secret = enrolled.body.secret as string;
    const confirmed = await bob.post('/api/v1/mfa/totp/confirm', {
      code: totpCode(secret, Date.now()),
    });
    expect(confirmed.status).toBe(200);

    const { page, browser } = await signIn('bob', `/sso/login/${providerId}?redirect_to=/agents`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Second factor');
    expect(browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    const form = firstForm(page.body, page.url);
    // the next 30-second step: the enrollment's own code was spent on the confirmation
    const verified = await browser.go(
      form.action,
      { ...form.fields, method: 'totp', code: totpCode(secret, Date.now() + 30_000) },
      (url) => url.pathname === '/agents',
    );
    expect(new URL(verified.url).pathname).toBe('/agents');
    const cookie = browser.cookie(app.baseUrl, 'av_session')!;
    const sessions = await api.withBearer(cookie).get('/api/v1/sessions');
    expect(sessions.body.items[0]).toMatchObject({ auth_method: 'sso', mfa_verified: true });
  });

  it("takes the provider's second factor instead of ours only when the tenant trusts it and the ID token shows it", async () => {
    await acmeUserWithTotp('dana@acme.test');
    await acmeUserWithTotp('erin@acme.test');
    const path = `/api/v1/sso/providers/${providerId}`;
    // not trusted: the IdP's amr does not spare our second factor
    const untrusted = await signIn('dana', `/sso/login/${providerId}?redirect_to=/agents`);
    expect(untrusted.page.body).toContain('Second factor');
    expect(untrusted.browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();

    expect((await inAcme.patch(path, { trust_idp_mfa: true })).body.trust_idp_mfa).toBe(true);
    try {
      const trusted = await signIn('dana', `/sso/login/${providerId}?redirect_to=/agents`);
      expect(new URL(trusted.page.url).pathname).toBe('/agents');
      expect(trusted.page.body).not.toContain('Second factor');
      const cookie = trusted.browser.cookie(app.baseUrl, 'av_session')!;
      expect(cookie).toMatch(/^avs_/);
      const api = new ApiClient(app.baseUrl).withBearer(cookie);
      expect((await api.get('/api/v1/auth/me')).body).toMatchObject({ email: 'dana@acme.test' });
      const sessions = await api.get('/api/v1/sessions');
      expect(sessions.body.items[0]).toMatchObject({ auth_method: 'sso', mfa_verified: true });

      // trusted, but this ID token has no amr: our second factor still applies
      const withoutAmr = await signIn('erin', `/sso/login/${providerId}?redirect_to=/agents`);
      expect(withoutAmr.page.body).toContain('Second factor');
      expect(withoutAmr.browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    } finally {
      await inAcme.patch(path, { trust_idp_mfa: false });
    }
  });

  it('lets tenant administrators list, change and remove providers; the secret is kept unless replaced and never shown', async () => {
    const path = `/api/v1/sso/providers/${spareId}`;
    const listed = await inAcme.get('/api/v1/sso/providers');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { id: string }) => p.id).sort()).toEqual(
      [providerId, spareId].sort(),
    );
    expect(JSON.stringify(listed.body)).not.toContain('village-secret');
    const disabled = await fetch(`${app.baseUrl}/sso/login/${spareId}`, { redirect: 'manual' });
    expect(disabled.status).toBe(404);

    // a change without a secret keeps the stored one: the sign-in still reaches the token endpoint
    const changed = await inAcme.patch(path, { enabled: true, default_role: 'developer' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      enabled: true,
      default_role: 'developer',
      has_client_secret: true,
    });
    expect(JSON.stringify(changed.body)).not.toContain('village-secret');
    const kept = await signIn('frank', `/sso/login/${spareId}`);
    const frank = kept.browser.cookie(app.baseUrl, 'av_session')!;
    expect(frank).toMatch(/^avs_/);
    const me = await new ApiClient(app.baseUrl).withBearer(frank).get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ email: 'frank@acme.test', roles: ['developer'] });

    // a replaced secret is used from then on (this one the IdP refuses), and is never returned
    const replaced = await inAcme.patch(path, { client_secret: 'not-the-village-secret' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.has_client_secret).toBe(true);
    expect(JSON.stringify(replaced.body)).not.toContain('not-the-village-secret');
    const read = await inAcme.get(path);
    expect(JSON.stringify(read.body)).not.toContain('not-the-village-secret');
    const refused = await signIn('frank', `/sso/login/${spareId}`);
    expect(refused.page.status).toBeGreaterThanOrEqual(400);
    expect(refused.browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    expect((await inAcme.patch(path, { client_secret: 'village-secret' })).status).toBe(200);
    const restored = await signIn('frank', `/sso/login/${spareId}`);
    expect(restored.browser.cookie(app.baseUrl, 'av_session')).toMatch(/^avs_/);

    const removed = await inAcme.delete(path);
    expect(removed.status).toBe(204);
    expect((await inAcme.get(path)).status).toBe(404);
    const after = await inAcme.get('/api/v1/sso/providers');
    expect(after.body.items.map((p: { id: string }) => p.id)).toEqual([providerId]);
    const gone = await fetch(`${app.baseUrl}/sso/login/${spareId}`, { redirect: 'manual' });
    expect(gone.status).toBe(404);
    expect(gone.headers.get('location')).toBeNull();
  });

  it("refuses providers to non-administrators (403) and keeps them unseen by another tenant's administrator (404)", async () => {
    const path = `/api/v1/sso/providers/${providerId}`;
    const body = {
      name: 'Rogue login',
      template: 'oidc',
      settings: { issuer: 'https://rogue.example.com', client_id: 'rogue' },
      client_secret: 'rogue-secret',
    };
    for (const role of ['viewer', 'developer', 'operator']) {
      const email = `${role}-sso@acme.test`;
      const user = await inAcme.post('/api/v1/users', {
        email,
        display_name: role,
        password: PASSWORD,
      });
      expect(user.status).toBe(201);
      await inAcme.post('/api/v1/role-assignments', { user_id: user.body.id, role });
      const member = await elevatedLogin(email, 'acme');
      for (const res of [
        await member.get('/api/v1/sso/providers'),
        await member.post('/api/v1/sso/providers', body),
        await member.patch(path, { name: 'Taken over', trust_idp_mfa: true }),
        await member.delete(path),
      ])
        expect([role, res.status]).toEqual([role, 403]);
    }

    const other = await admin.post('/api/v1/tenants', {
      name: 'Globex',
      slug: 'globex',
      tier: 'ENTERPRISE',
    });
    expect(other.status).toBe(201);
    const inGlobex = admin.inTenant(other.body.id);
    const globexAdmin = await inGlobex.post('/api/v1/users', {
      email: 'admin@globex.test',
      display_name: 'Globex admin',
      password: PASSWORD,
    });
    expect(globexAdmin.status).toBe(201);
    expect(
      (
        await inGlobex.post('/api/v1/role-assignments', {
          user_id: globexAdmin.body.id,
          role: 'tenant_admin',
        })
      ).status,
    ).toBe(201);
    const them = await elevatedLogin('admin@globex.test', 'globex');
    const theirList = await them.get('/api/v1/sso/providers');
    expect(theirList.status).toBe(200);
    expect(theirList.body.items).toEqual([]);
    for (const res of [
      await them.get(path),
      await them.patch(path, { name: 'Taken over', trust_idp_mfa: true }),
      await them.post(`${path}/test`),
      await them.delete(path),
    ])
      expect(res.status).toBe(404);

    const unchanged = await inAcme.get(path);
    expect(unchanged.body).toMatchObject({
      name: 'Acme login',
      trust_idp_mfa: false,
      enabled: true,
    });
    const still = await signIn('alice', `/sso/login/${providerId}`);
    expect(still.browser.cookie(app.baseUrl, 'av_session')).toMatch(/^avs_/);
  });

  it('signs out here and at the provider', async () => {
    const { browser } = await signIn('alice', `/sso/login/${providerId}`);
    const cookie = browser.cookie(app.baseUrl, 'av_session')!;
    const out = await fetch(`${app.baseUrl}/sso/logout?provider=${providerId}`, {
      method: 'POST',
      headers: { cookie: `av_session=${cookie}` },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    const location = new URL(out.headers.get('location')!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${app.baseUrl}/`);
    const me = await new ApiClient(app.baseUrl).withBearer(cookie).get('/api/v1/auth/me');
    expect(me.status).toBe(401);
  });

  it('refuses a blocked domain and creates nobody', async () => {
    const { page, browser } = await signIn('mallory', `/sso/login/${providerId}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('evil.test is not allowed');
    expect(browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    const users = await queryPostgres(
      db.url,
      `SELECT 1 FROM users WHERE email = 'mallory@evil.test'`,
    );
    expect(users).toHaveLength(0);
  });

  it('links to an existing account only by a verified email', async () => {
    const { page, browser } = await signIn('carol', `/sso/login/${providerId}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('did not verify this email address');
    expect(browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
  });

  it('refuses a missing, a wrong and a replayed state', async () => {
    const { callback } = await signIn('alice', `/sso/login/${providerId}`);
    const replay = await new CrossOriginBrowser().go(callback!);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('unknown, used or expired');
    const url = new URL(callback!);
    url.searchParams.delete('state');
    expect((await new CrossOriginBrowser().go(url.href)).status).toBe(400);
    url.searchParams.set('state', 'forged-state-value');
    const wrong = await new CrossOriginBrowser().go(url.href);
    expect(wrong.status).toBe(400);
  });

  it('never sends the browser elsewhere after a sign-in', async () => {
    for (const target of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await fetch(
        `${app.baseUrl}/sso/login/${providerId}?redirect_to=${encodeURIComponent(target)}`,
        { redirect: 'manual' },
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('lists the tenant providers for the sign-in page, names and links only', async () => {
    const options = await new ApiClient(app.baseUrl).get('/api/v1/sso/sign-in-options?tenant=acme');
    expect(options.status).toBe(200);
    expect(options.body.items).toEqual([
      {
        id: providerId,
        name: 'Acme login',
        protocol: 'oidc',
        login_url: `${app.baseUrl}/sso/login/${providerId}`,
      },
    ]);
  });

  it('tells why a discovery was refused: an issuer inside our network that SSO_ALLOW_HOSTS does not open', async () => {
    const inside = await inAcme.post('/api/v1/sso/providers', {
      name: 'Inside',
      template: 'oidc',
      enabled: false,
      settings: { issuer: 'https://127.0.0.2/', client_id: 'village' },
      client_secret: 'village-secret',
    });
    expect(inside.status).toBe(201);
    const report = await inAcme.post(`/api/v1/sso/providers/${inside.body.id}/test`);
    expect(report.body.ok).toBe(false);
    expect(report.body.error).toMatch(/127\.0\.0\.2 is a loopback address/);
    expect((await inAcme.delete(`/api/v1/sso/providers/${inside.body.id}`)).status).toBe(204);
  });
});
