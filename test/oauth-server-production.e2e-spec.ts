import { createHmac, createPublicKey } from 'node:crypto';
import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
} from '#testing';
import { totpCode } from '../src/mfa/kit/totp';
import { formAction, OAuthUserAgent } from './support/oauth-user-agent';
import { PASSWORD, Principals } from './support/principals';

const REDIRECT_URI = 'https://app.example.com/callback';
const SCOPE = 'openid profile email offline_access goals:read';
const TOTP_STEP_MS = 30_000;

interface RegisteredClient {
  client_id: string;
  client_secret?: string;
}

/**
 * The authorization server as a certified relying party (openid-client) meets it, on the
 * built product in production mode: discovery, code + PKCE through our sign-in and consent,
 * ID token checked against the JWKS, the API called with the access token, refresh with
 * rotation and reuse detection, revocation and introspection, client credentials; the
 * attacks a token endpoint and a resource server must refuse; two processes serving one
 * issuer with nothing kept in memory; keys that survive a restart and a rotation.
 */
describe('OAuth 2.0 / OpenID Connect authorization server (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;
  let prefix: string;
  let issuer: string;
  let admin: ApiClient;
  let web: RegisteredClient;
  let service: RegisteredClient;
  let adminKey: ApiClient;

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PROCESS_JOBS: 'false',
    API_KEY_RATE_PER_MINUTE: '100000',
    API_KEY_RATE_BURST: '10000',
    // seals second factors (the MFA sign-in test enrolls one); test-only
    MFA_ENCRYPTION_KEY: 'c'.repeat(64),
    ...extra,
  });

  /** openid-client's view of the issuer, for a client, sending its requests to `app`. */
  async function relyingParty(client: RegisteredClient, app: AppProcess = a) {
    const fetchAt: oidc.CustomFetch = (url, options) =>
      fetch(url.replace(issuer.replace(/\/oauth$/, ''), app.baseUrl), options as RequestInit);
    return oidc.discovery(new URL(issuer), client.client_id, client.client_secret, undefined, {
      execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
      [oidc.customFetch]: fetchAt,
    });
  }

  async function register(body: Record<string, unknown>): Promise<RegisteredClient> {
    const created = await admin.post('/api/v1/oauth/clients', body);
    expect(created.status).toBe(201);
    return created.body as RegisteredClient;
  }

  /** Code + PKCE through our sign-in page and the consent page, up to the callback URL. */
  async function authorize(
    config: oidc.Configuration,
    scope = SCOPE,
    agent = new OAuthUserAgent(a.baseUrl),
    user = { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD },
  ) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      // OpenID Connect grants offline_access (a refresh token) only with the consent prompt.
      prompt: 'consent',
    });
    let page = await agent.follow(url.href);
    if (page.body.includes('/login"')) {
      page = await agent.follow(formAction(page.body, 'login'), {
        form: { ...user, tenant: '' },
      });
    }
    const consentShown = !page.left;
    if (!page.left) {
      expect(page.body).toContain('Allow access');
      page = await agent.follow(formAction(page.body, 'confirm'), { form: {} });
    }
    if (!page.left)
      throw new Error(
        `No redirect to the client: ${page.status} ${page.url}\n${page.body.slice(0, 1500)}\n${a
          .output()
          .split('\n')
          .filter((l) => /PROMPT|RSINFO|GRANT/.test(l))
          .join('\n')}`,
      );
    return { callback: new URL(page.left!), verifier, state, nonce, agent, consentShown };
  }

  async function codeTokens(config: oidc.Configuration) {
    const flow = await authorize(config);
    return oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
  }

  const goals = (app: AppProcess, token: string) =>
    new ApiClient(app.baseUrl).withBearer(token).get('/api/v1/goals');

  /** A token with the same claims as `token` but another header and signature. */
  function forged(token: string, header: object, sign: (input: string) => string): string {
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${token.split('.')[1]}`;
    return `${input}.${sign(input)}`;
  }

  beforeAll(async () => {
    db = await createPostgresDatabase();
    prefix = uniqueQueuePrefix();
    a = await startApp({ env: env() });
    issuer = `${a.baseUrl}/oauth`;
    // The second process serves the same issuer; its access tokens live 2 s, so the
    // expiry of a token is seen within the suite.
    b = await startApp({ env: env({ PUBLIC_URL: a.baseUrl, OAUTH_ACCESS_TOKEN_TTL_S: '2' }) });
    const anonymous = new ApiClient(a.baseUrl);
    admin = anonymous.withBearer(
      await new Principals(anonymous, anonymous).login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD),
    );
    adminKey = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    web = await register({
      name: 'Reports',
      redirect_uris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'goals:read', 'goals:write'],
    });
    service = await register({
      name: 'Nightly sync',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scopes: ['goals:read'],
    });
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  it('publishes discovery and a JWKS of RS256 and ES256 keys', async () => {
    const config = await relyingParty(web);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:device_code',
      ]),
    );
    expect(metadata.grant_types_supported).not.toContain('password');
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as {
      keys: Array<{ alg: string; d?: string }>;
    };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('signs a user in with code + PKCE, and the access token calls the API within its scope', async () => {
    const config = await relyingParty(web);
    const flow = await authorize(config);
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const jwks = createLocalJWKSet(
      (await (await fetch(`${issuer}/jwks`)).json()) as Parameters<typeof createLocalJWKSet>[0],
    );
    const { payload: idToken } = await jwtVerify(tokens.id_token!, jwks, {
      issuer,
      audience: web.client_id,
    });
    expect(idToken).toMatchObject({ email: TEST_ADMIN_EMAIL, nonce: flow.nonce });
    // The access token is for the API: it carries the API scopes; the rest went to the ID token.
    expect(tokens.scope).toBe('goals:read');

    const api = new ApiClient(a.baseUrl).withBearer(tokens.access_token);
    const me = await api.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ principal_kind: 'oauth', tenant_source: 'token' });
    expect((await api.get('/api/v1/goals')).status).toBe(200);
    const write = await api.post('/api/v1/goals', { description: 'Write a haiku' });
    expect(write.status).toBe(403);
    expect(write.body.type).toMatch(/forbidden-scope$/);
  });

  it('rotates refresh tokens; a reused one kills the whole grant', async () => {
    const config = await relyingParty(web);
    const flow = await authorize(config);
    const first = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const api = (token: string) => new ApiClient(a.baseUrl).withBearer(token).get('/api/v1/goals');
    expect((await api(second.access_token)).status).toBe(200);

    await expect(oidc.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await api(second.access_token)).status).toBe(401);
    expect((await api(first.access_token)).status).toBe(401);
  });

  it('introspects and revokes; a revoked token is inactive and refused by the API at once', async () => {
    const config = await relyingParty(web);
    const flow = await authorize(config);
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: web.client_id });
    expect(String(active.scope)).toContain('goals:read');
    const onB = new ApiClient(b.baseUrl).withBearer(tokens.access_token);
    expect((await onB.get('/api/v1/goals')).status).toBe(200);

    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    const refused = await new ApiClient(a.baseUrl)
      .withBearer(tokens.access_token)
      .get('/api/v1/goals');
    expect(refused.status).toBe(401);
    expect((await onB.get('/api/v1/goals')).status).toBe(401);
  });

  it('issues client credentials tokens to a service, bounded by the client and its owner', async () => {
    const config = await relyingParty(service);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'goals:read' });
    const api = new ApiClient(a.baseUrl).withBearer(tokens.access_token);
    expect((await api.get('/api/v1/goals')).status).toBe(200);
    expect((await api.post('/api/v1/goals', { description: 'x' })).status).toBe(403);
    // A scope the client is not registered for is not granted (RFC 6749 §3.3).
    const wider = await oidc.clientCredentialsGrant(config, { scope: 'goals:read goals:write' });
    expect(wider.scope).toBe('goals:read');
    const writer = new ApiClient(a.baseUrl).withBearer(wider.access_token);
    expect((await writer.post('/api/v1/goals', { description: 'x' })).status).toBe(403);
    const wrongSecret = await relyingParty({
      ...service,
      client_secret: `${service.client_secret}x`,
    });
    await expect(
      oidc.clientCredentialsGrant(wrongSecret, { scope: 'goals:read' }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
  });
  describe('attacks', () => {
    it('refuses a code used twice, and the second use revokes what the first gave', async () => {
      const config = await relyingParty(web);
      const flow = await authorize(config);
      const checks = {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      };
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, checks);
      expect((await goals(a, tokens.access_token)).status).toBe(200);
      await expect(
        oidc.authorizationCodeGrant(config, flow.callback, checks),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await goals(a, tokens.access_token)).status).toBe(401);
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('refuses a code with the wrong PKCE verifier', async () => {
      const config = await relyingParty(web);
      const flow = await authorize(config);
      await expect(
        oidc.authorizationCodeGrant(config, flow.callback, {
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
          expectedState: flow.state,
          expectedNonce: flow.nonce,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('never redirects to a URI that differs from the registered one by a character', async () => {
      const config = await relyingParty(web);
      for (const redirect of [
        `${REDIRECT_URI}x`,
        REDIRECT_URI.replace('callback', 'callbacK'),
        `${REDIRECT_URI}/`,
      ]) {
        const url = oidc.buildAuthorizationUrl(config, {
          redirect_uri: redirect,
          scope: 'openid',
          state: oidc.randomState(),
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        });
        const page = await new OAuthUserAgent(a.baseUrl).follow(url.href);
        expect(page.left).toBeUndefined();
        expect(page.status).toBe(400);
        expect(page.body).toContain('redirect_uri');
      }
    });

    it('refuses a plain PKCE challenge, and a request without PKCE', async () => {
      const config = await relyingParty(web);
      const plain = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      });
      const page = await new OAuthUserAgent(a.baseUrl).follow(plain.href);
      expect(page.left ?? '').not.toContain('code=');
      expect(`${page.left ?? ''}${page.body}`).toMatch(/code_challenge_method|invalid_request/);
      const without = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
      });
      const refused = await new OAuthUserAgent(a.baseUrl).follow(without.href);
      expect(refused.left ?? '').not.toContain('code=');
      expect(refused.left ?? '').toContain('error=invalid_request');
    });

    it('refuses alg none, HS256 keyed with the public key, a changed payload and an expired token', async () => {
      const config = await relyingParty(service);
      const { access_token: token } = await oidc.clientCredentialsGrant(config, {
        scope: 'goals:read',
      });
      expect((await goals(a, token)).status).toBe(200);
      const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as {
        kid: string;
      };
      const none = forged(token, { alg: 'none', typ: 'at+jwt' }, () => '');
      const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      const rsa = jwks.keys.find((k) => k.kid === header.kid)!;
      const pem = createPublicKey({ key: rsa as never, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const hs256 = forged(token, { alg: 'HS256', typ: 'at+jwt', kid: header.kid }, (input) =>
        createHmac('sha256', pem).update(input).digest('base64url'),
      );
      const [h, p, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const widened = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString('base64url')}.${sig}`;
      for (const bad of [none, hs256, widened]) {
        const res = await new ApiClient(a.baseUrl).withBearer(bad).get('/api/v1/goals');
        expect(res.status).toBe(401);
      }

      // The second process issues tokens that live 2 s.
      const shortLived = await oidc.clientCredentialsGrant(await relyingParty(service, b), {
        scope: 'goals:read',
      });
      expect((await goals(a, shortLived.access_token)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const expired = await goals(a, shortLived.access_token);
      expect(expired.status).toBe(401);
      expect(expired.body.detail).toMatch(/expired/);
    });

    it('refuses a NUL in any parameter, query or form, with 400 naming it, never a 500', async () => {
      const form = (body: Record<string, string>, secret = web.client_secret!) => ({
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${web.client_id}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams(body).toString(),
        redirect: 'manual' as const,
      });
      const authorization = new URLSearchParams({
        client_id: web.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: 'a\u0000b',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const cases: Array<[string, RequestInit | undefined, string]> = [
        [`/oauth/auth?${authorization}`, { redirect: 'manual' }, 'state'],
        ['/oauth/auth?client_id=a%00b&response_type=code', { redirect: 'manual' }, 'client_id'],
        [
          '/oauth/token',
          form({ grant_type: 'refresh_token', refresh_token: 'r\u0000' }),
          'refresh_token',
        ],
        [
          '/oauth/token',
          form({ grant_type: 'authorization_code', code: 'c\u0000', code_verifier: 'v' }),
          'code',
        ],
        ['/oauth/token/introspection', form({ token: 't\u0000' }), 'token'],
        ['/oauth/token/revocation', form({ token: 't\u0000' }), 'token'],
        ['/oauth/device', form({ user_code: 'ABCD-\u0000' }), 'user_code'],
        ['/oauth/session/end?client_id=%00', undefined, 'client_id'],
      ];
      for (const [path, init, field] of cases) {
        const res = await fetch(`${a.baseUrl}${path}`, init);
        expect([path, res.status]).toEqual([path, 400]);
        const body = (await res.json()) as { error: string; error_description: string };
        expect(body.error).toBe('invalid_request');
        expect(body.error_description).toBe(`${field} must not contain NUL characters.`);
      }
    });

    it('answers a sign-in form with a field sent twice with 400 on the page, signing nobody in', async () => {
      const agent = new OAuthUserAgent(a.baseUrl);
      const url = oidc.buildAuthorizationUrl(await relyingParty(web), {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state: oidc.randomState(),
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const page = await agent.follow(url.href);
      const twice = new URLSearchParams([
        ['email', TEST_ADMIN_EMAIL],
        ['email', 'someone@example.com'],
        ['password', TEST_ADMIN_PASSWORD],
      ]);
      const refused = await agent.follow(formAction(page.body, 'login'), { form: twice });
      expect([refused.status, refused.left]).toEqual([400, undefined]);
      expect(refused.body).toContain('must be sent once, as text');
    });

    it("refuses a tenant's token on another tenant's resources", async () => {
      const tenant = await adminKey.post('/api/v1/tenants', {
        name: 'Other corp',
        slug: `other-${Date.now()}`,
        tier: 'ENTERPRISE',
      });
      expect(tenant.status).toBe(201);
      const tokens = await codeTokens(await relyingParty(web));
      const elsewhere = await new ApiClient(a.baseUrl)
        .withBearer(tokens.access_token)
        .inTenant(tenant.body.id)
        .get('/api/v1/goals');
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.type).toMatch(/tenant-access-denied$/);
    });

    it('gives a user no scope their permissions do not cover, whatever the client asks', async () => {
      const principals = new Principals(new ApiClient(a.baseUrl), adminKey);
      await principals.createUser('viewer.oauth@example.test', 'viewer');
      const config = await relyingParty(web);
      const flow = await authorize(config, 'openid goals:read goals:write', undefined, {
        email: 'viewer.oauth@example.test',
        password: PASSWORD,
      });
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      });
      expect(tokens.scope).toBe('goals:read');
      const api = new ApiClient(a.baseUrl).withBearer(tokens.access_token);
      expect((await api.get('/api/v1/goals')).status).toBe(200);
      const write = await api.post('/api/v1/goals', { description: 'Write a haiku' });
      expect(write.status).toBe(403);
    });
  });

  it("answers a disabled user's tokens as inactive at introspection, as the API refuses them", async () => {
    const principals = new Principals(new ApiClient(a.baseUrl), adminKey);
    const user = await principals.createUser('disabled.oauth@example.test', 'operator');
    const config = await relyingParty(web);
    const flow = await authorize(config, SCOPE, undefined, {
      email: 'disabled.oauth@example.test',
      password: PASSWORD,
    });
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    const disabled = await adminKey.patch(`/api/v1/users/${user.id}`, { status: 'disabled' });
    expect(disabled.status).toBe(200);

    expect((await goals(a, tokens.access_token)).status).toBe(401);
    expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
  });

  it("ends a deleted client's tokens at once, in every process", async () => {
    const temporary = await register({
      name: 'Temporary',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scopes: ['goals:read'],
    });
    const tokens = await oidc.clientCredentialsGrant(await relyingParty(temporary), {
      scope: 'goals:read',
    });
    expect((await goals(b, tokens.access_token)).status).toBe(200);
    expect((await admin.delete(`/api/v1/oauth/clients/${temporary.client_id}`)).status).toBe(204);
    expect((await goals(a, tokens.access_token)).status).toBe(401);
    expect((await goals(b, tokens.access_token)).status).toBe(401);
  });

  it('signs a signed-in browser in to a first-party client without a consent page', async () => {
    const firstParty = await register({
      name: 'Console',
      redirect_uris: [REDIRECT_URI],
      scopes: ['openid', 'email', 'goals:read'],
      skip_consent: true,
    });
    const config = await relyingParty(firstParty);
    const agent = new OAuthUserAgent(a.baseUrl);
    const login = await new ApiClient(a.baseUrl).post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    agent.setCookie('av_session', login.body.token as string);
    const flow = await authorize(config, 'openid email goals:read', agent);
    expect(flow.consentShown).toBe(false);
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    expect(tokens.scope).toBe('goals:read');
    expect((await goals(a, tokens.access_token)).status).toBe(200);
  });

  it('sends a user with TOTP through the second factor: no tokens without the code, tokens after it', async () => {
    const anonymous = new ApiClient(a.baseUrl);
    const email = 'oauth-totp@example.com';
    await new Principals(anonymous, admin).createUser(email, 'operator');
    const first = await anonymous.post('/api/v1/auth/login', { email, password: PASSWORD });
    const enrolled = await anonymous.withBearer(first.body.token).post('/api/v1/mfa/totp/enroll');
    expect(enrolled.status).toBe(200);
    const secret = enrolled.body.secret as string;
    const confirmed = await anonymous
      .withBearer(first.body.token)
      .post('/api/v1/mfa/totp/confirm', { code: totpCode(secret, Date.now()) });
    expect(confirmed.status).toBe(200);

    const config = await relyingParty(web);
    const agent = new OAuthUserAgent(a.baseUrl);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email goals:read',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const loginPage = await agent.follow(url.href);
    const afterPassword = await agent.follow(formAction(loginPage.body, 'login'), {
      form: { email, password: PASSWORD, tenant: '' },
    });
    // the password alone leads to the second factor, not back to the client
    expect(afterPassword.left).toBeUndefined();
    expect(afterPassword.body).toContain('Second factor');
    const mfaAction = formAction(afterPassword.body, 'mfa');
    const challengeToken = /name="challenge_token" value="([^"]+)"/.exec(afterPassword.body)![1];

    const now = Date.now();
    const valid = totpCode(secret, now + TOTP_STEP_MS);
    const wrong = ['000000', '111111', '222222'].find(
      (c) => ![-1, 0, 1, 2].some((k) => totpCode(secret, now + k * TOTP_STEP_MS) === c),
    )!;
    const refused = await agent.follow(mfaAction, {
      form: { challenge_token: challengeToken, method: 'totp', code: wrong },
    });
    expect(refused.status).toBe(401);
    expect(refused.left).toBeUndefined();
    expect(refused.body).toContain('Second factor');
    // the password alone gave the browser no session
    expect(agent.cookie('av_session')).toBeUndefined();

    const verified = await agent.follow(mfaAction, {
      form: { challenge_token: challengeToken, method: 'totp', code: valid },
    });
    let page = verified;
    if (!page.left) {
      expect(page.body).toContain('Allow access');
      page = await agent.follow(formAction(page.body, 'confirm'), { form: {} });
    }
    expect(page.left).toBeDefined();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.left!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()).toMatchObject({ email });
    const me = await new ApiClient(a.baseUrl)
      .withBearer(tokens.access_token)
      .get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect((await goals(a, tokens.access_token)).status).toBe(200);
  });

  describe('two processes, one issuer', () => {
    it('redeems at one process a code the other issued', async () => {
      const flow = await authorize(await relyingParty(web, a));
      const tokens = await oidc.authorizationCodeGrant(await relyingParty(web, b), flow.callback, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      });
      expect((await goals(a, tokens.access_token)).status).toBe(200);
    });

    it('refuses at one process as reused a refresh token the other rotated', async () => {
      const onA = await relyingParty(web, a);
      const onB = await relyingParty(web, b);
      const first = await codeTokens(onA);
      const second = await oidc.refreshTokenGrant(onA, first.refresh_token!);
      await expect(oidc.refreshTokenGrant(onB, first.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(oidc.refreshTokenGrant(onA, second.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      expect((await goals(b, second.access_token)).status).toBe(401);
    });
  });

  describe('signing keys', () => {
    it('survive a restart; a rotation signs with new keys and keeps old tokens valid', async () => {
      const jwksOf = async (app: AppProcess) =>
        (
          (await (await fetch(`${app.baseUrl}/oauth/jwks`)).json()) as {
            keys: Array<{ kid: string }>;
          }
        ).keys
          .map((k) => k.kid)
          .sort();
      const kidOf = (token: string) =>
        (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string })
          .kid;
      const before = await jwksOf(a);
      const old = await oidc.clientCredentialsGrant(await relyingParty(service), {
        scope: 'goals:read',
      });

      await b.stop();
      b = await startApp({ env: env({ PUBLIC_URL: a.baseUrl }) });
      expect(await jwksOf(b)).toEqual(before);
      expect((await goals(b, old.access_token)).status).toBe(200);

      const rotated = await admin.post('/api/v1/oauth/keys/rotate');
      expect(rotated.status).toBe(200);
      const listed = await admin.get('/api/v1/oauth/keys');
      expect(
        listed.body.items.filter((k: { retired_at: string | null }) => !k.retired_at),
      ).toHaveLength(2);
      expect(
        listed.body.items.filter((k: { unpublish_after: string | null }) => k.unpublish_after),
      ).toHaveLength(2);
      const fresh = await oidc.clientCredentialsGrant(await relyingParty(service), {
        scope: 'goals:read',
      });
      expect(kidOf(fresh.access_token)).not.toBe(kidOf(old.access_token));
      const after = await jwksOf(a);
      expect(after).toEqual(expect.arrayContaining(before));
      expect(after).toContain(kidOf(fresh.access_token));
      expect(await jwksOf(b)).toEqual(after);
      for (const app of [a, b])
        for (const token of [old.access_token, fresh.access_token])
          expect((await goals(app, token)).status).toBe(200);
    });
  });
});
