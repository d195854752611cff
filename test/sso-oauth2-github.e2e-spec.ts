import { ApiClient, AppProcess, freePort, startApp, TEST_ADMIN_API_KEY } from '#testing';
import { DEFAULT_TENANT_ID } from '../src/common/request-context';
import { CrossOriginBrowser } from './support/cross-origin-browser';
import { type ScriptedIdp, startScriptedIdp } from './support/scripted-idp';

const OCTOCAT = {
  user: { id: 583231, login: 'octocat', name: 'The Octocat', email: null },
  emails: [
    {
      email: 'octocat@users.noreply.github.test',
      primary: false,
      verified: true,
      visibility: null,
    },
    { email: 'Octocat@Acme.test', primary: true, verified: true, visibility: 'private' },
    { email: 'old@acme.test', primary: false, verified: false, visibility: null },
  ],
};

/**
 * Sign-in through a plain OAuth 2.0 provider of the GitHub shape (a hand-made one,
 * test/support/scripted-idp.ts): no ID token, a user API that shows no email, and a list of
 * the person's addresses from which the primary verified one is taken. State is checked as
 * for OpenID Connect: missing, wrong or replayed, the callback is refused. Built product,
 * embedded mode.
 */
describe('single sign-on with a GitHub-shaped OAuth 2.0 provider (embedded)', () => {
  let app: AppProcess;
  let idp: ScriptedIdp;
  let admin: ApiClient;
  let providerId: string;

  const atProduct = (url: URL) => url.origin === app.baseUrl && !url.pathname.startsWith('/sso/');

  async function users(): Promise<Array<{ email: string; display_name: string }>> {
    const res = await admin.get('/api/v1/users?limit=100');
    expect(res.status).toBe(200);
    return res.body.items;
  }

  beforeAll(async () => {
    const idpPort = await freePort();
    app = await startApp({ env: { SSO_ALLOW_HOSTS: `127.0.0.1:${idpPort}` } });
    idp = await startScriptedIdp({
      port: idpPort,
      clientId: 'village-gh',
      clientSecret: 'gh-secret',
    });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const created = await admin.post('/api/v1/sso/providers', {
      name: 'GitHub',
      template: 'oauth2',
      settings: {
        client_id: 'village-gh',
        ...idp.github,
        scopes: ['read:user', 'user:email'],
      },
      client_secret: 'gh-secret',
      default_role: 'viewer',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ protocol: 'oauth2', has_client_secret: true });
    providerId = created.body.id;
  });

  afterAll(async () => {
    await idp?.stop();
    await app?.stop();
  });

  it('creates the user with the primary verified address from the email list', async () => {
    idp.githubUser = OCTOCAT;
    const browser = new CrossOriginBrowser();
    const page = await browser.go(
      `${app.baseUrl}/sso/login/${providerId}?redirect_to=/`,
      undefined,
      atProduct,
    );
    expect(new URL(page.url).pathname).toBe('/');
    const session = browser.cookie(app.baseUrl, 'av_session');
    expect(session).toMatch(/^avs_/);
    const me = await new ApiClient(app.baseUrl).withBearer(session!).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant_id: DEFAULT_TENANT_ID, email: 'octocat@acme.test' });
    expect(me.body.roles).toEqual(['viewer']);
    expect((await users()).filter((u) => u.email === 'octocat@acme.test')).toEqual([
      expect.objectContaining({ display_name: 'The Octocat' }),
    ]);
    // No discovery, no ID token: the user API and the address list behind the access token.
    expect(idp.requests).toEqual([
      'GET /login/oauth/authorize',
      'POST /login/oauth/access_token',
      'GET /user',
      'GET /user/emails',
    ]);
  });

  it('creates nobody when the list has no primary verified address', async () => {
    idp.githubUser = {
      user: { id: 2, login: 'hubot', name: 'Hubot', email: null },
      emails: [{ email: 'hubot@acme.test', primary: true, verified: false, visibility: null }],
    };
    const browser = new CrossOriginBrowser();
    const page = await browser.go(`${app.baseUrl}/sso/login/${providerId}`, undefined, atProduct);
    expect(page.status).toBe(400);
    expect(page.body).toContain('gave no email address');
    expect(browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();
    expect((await users()).map((u) => u.email)).not.toContain('hubot@acme.test');
  });

  it('refuses a callback with a missing, a wrong or a replayed state', async () => {
    idp.githubUser = OCTOCAT;
    const browser = new CrossOriginBrowser();
    let callback: URL | undefined;
    await browser.go(`${app.baseUrl}/sso/login/${providerId}`, undefined, (url) => {
      if (url.pathname === `/sso/callback/${providerId}`) callback = url;
      return callback !== undefined;
    });
    expect(callback!.searchParams.get('code')).toBeTruthy();

    const without = new URL(callback!);
    without.searchParams.delete('state');
    const missing = await browser.go(without.href);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('has no state');
    const forged = new URL(callback!);
    forged.searchParams.set('state', 'forged-state-value');
    const wrong = await browser.go(forged.href);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('unknown, used or expired');
    expect(browser.cookie(app.baseUrl, 'av_session')).toBeUndefined();

    // Neither spent the sign-in: with its own state the callback completes, once.
    const done = await browser.go(callback!.href, undefined, atProduct);
    expect(new URL(done.url).pathname).toBe('/');
    expect(browser.cookie(app.baseUrl, 'av_session')).toMatch(/^avs_/);
    const replay = await browser.go(callback!.href);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('unknown, used or expired');
  });
});
