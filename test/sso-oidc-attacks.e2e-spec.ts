import { ApiClient, AppProcess, freePort, startApp, TEST_ADMIN_API_KEY } from '#testing';
import { DEFAULT_TENANT_ID } from '../src/common/request-context';
import { CrossOriginBrowser } from './support/cross-origin-browser';
import { type IdTokenScenario, type ScriptedIdp, startScriptedIdp } from './support/scripted-idp';

/**
 * A hostile OpenID Connect provider (made by hand, test/support/scripted-idp.ts) answers the
 * product's token request with ID tokens that must not sign anyone in: signed by a key it
 * does not publish, unsigned (`alg: none`, which its discovery document even offers), for
 * another client, expired, or carrying the nonce of an earlier sign-in. Everything else in
 * each exchange is right (state, code, PKCE, client), so the ID token alone is refused: a
 * 400 page, no session cookie, nobody created. A good ID token from the same provider signs
 * in, so the refusals are not the provider's fault. Built product, embedded mode.
 */
describe('single sign-on refuses hostile ID tokens (embedded)', () => {
  let app: AppProcess;
  let idp: ScriptedIdp;
  let admin: ApiClient;
  let providerId: string;

  /** Starts a sign-in in a fresh browser and follows it to the page it ends on. */
  async function signIn(scenario: IdTokenScenario, email: string) {
    idp.scenario = scenario;
    idp.account = { sub: `sub-${email}`, email, email_verified: true, name: email.split('@')[0] };
    const browser = new CrossOriginBrowser();
    const page = await browser.go(
      `${app.baseUrl}/sso/login/${providerId}?redirect_to=/`,
      undefined,
      (url) => url.origin === app.baseUrl && !url.pathname.startsWith('/sso/'),
    );
    return { page, session: browser.cookie(app.baseUrl, 'av_session') };
  }

  async function userExists(email: string): Promise<boolean> {
    const users = await admin.get('/api/v1/users?limit=100');
    expect(users.status).toBe(200);
    return (users.body.items as Array<{ email: string }>).some((u) => u.email === email);
  }

  beforeAll(async () => {
    const idpPort = await freePort();
    app = await startApp({ env: { SSO_ALLOW_HOSTS: `127.0.0.1:${idpPort}` } });
    idp = await startScriptedIdp({
      port: idpPort,
      clientId: 'village',
      clientSecret: 'village-secret',
    });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const created = await admin.post('/api/v1/sso/providers', {
      name: 'Hostile IdP',
      template: 'oidc',
      settings: { issuer: idp.issuer, client_id: 'village' },
      client_secret: 'village-secret',
      default_role: 'viewer',
    });
    expect(created.status).toBe(201);
    providerId = created.body.id;
  });

  afterAll(async () => {
    await idp?.stop();
    await app?.stop();
  });

  it('signs in with a good ID token from the same provider', async () => {
    const { page, session } = await signIn('good', 'good@acme.test');
    expect(new URL(page.url).pathname).toBe('/');
    expect(session).toMatch(/^avs_/);
    const me = await new ApiClient(app.baseUrl).withBearer(session!).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant_id: DEFAULT_TENANT_ID, email: 'good@acme.test' });
    // The product checked the signature against the published keys.
    expect(idp.requests).toEqual(
      expect.arrayContaining(['GET /.well-known/openid-configuration', 'GET /jwks']),
    );
  });

  it.each<[IdTokenScenario, RegExp]>([
    ['other-key', /signature verification failed|OAUTH_INVALID_RESPONSE/],
    ['alg-none', /unsupported|OAUTH_INVALID_RESPONSE/i],
    ['wrong-audience', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/],
    ['expired', /OAUTH_JWT_TIMESTAMP_CHECK_FAILED/],
    ['earlier-nonce', /OAUTH_JWT_CLAIM_COMPARISON_FAILED/],
  ])('refuses an ID token: %s', async (scenario, reason) => {
    const email = `${scenario}@acme.test`;
    const tokenRequests = idp.requests.filter((r) => r === 'POST /token').length;
    const { page, session } = await signIn(scenario, email);
    // The provider did answer the token request: the ID token itself was refused.
    expect(idp.requests.filter((r) => r === 'POST /token').length).toBe(tokenRequests + 1);
    expect(page.status).toBe(400);
    expect(new URL(page.url).pathname).toBe(`/sso/callback/${providerId}`);
    expect(page.body).toContain('answer was refused');
    expect(page.body).toMatch(reason);
    expect(session).toBeUndefined();
    expect(await userExists(email)).toBe(false);
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    // The attacker signs in as themselves and stops before their own callback...
    idp.scenario = 'good';
    idp.account = {
      sub: 'sub-attacker',
      email: 'attacker@acme.test',
      email_verified: true,
      name: 'Attacker',
    };
    const attacker = new CrossOriginBrowser();
    let callback: string | undefined;
    await attacker.go(`${app.baseUrl}/sso/login/${providerId}`, undefined, (url) => {
      if (url.pathname.startsWith('/sso/callback/')) callback = url.href;
      return callback !== undefined;
    });
    // ...and has the victim's browser open it: it must not sign the victim in as the attacker.
    const victim = new CrossOriginBrowser();
    const page = await victim.go(callback!);
    expect(page.status).toBe(400);
    expect(page.body).toContain('another browser');
    expect(victim.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    expect(await userExists('attacker@acme.test')).toBe(false);
  });
});
