import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  startApp,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
} from '#testing';
import { formAction, OAuthUserAgent } from './support/oauth-user-agent';

const REDIRECT_URI = 'https://app.example.com/callback';
const SCOPE = 'openid profile email offline_access goals:read';

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

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PROCESS_JOBS: 'false',
    API_KEY_RATE_PER_MINUTE: '100000',
    API_KEY_RATE_BURST: '10000',
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
        form: { email: TEST_ADMIN_EMAIL, password: TEST_ADMIN_PASSWORD, tenant: '' },
      });
    }
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
    return { callback: new URL(page.left!), verifier, state, nonce, agent };
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
    const login = await anonymous.post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    const elevated = await anonymous
      .withBearer(login.body.token)
      .post('/api/v1/sessions/current/elevate', { password: TEST_ADMIN_PASSWORD });
    admin = anonymous.withBearer(elevated.body.token as string);
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
});
