import type { BrowserContext, Page } from 'playwright-core';
import { ApiClient, AppProcess, freePort, startApp, TEST_ADMIN_API_KEY } from '#testing';
import { DEFAULT_TENANT_ID } from '../src/common/request-context';
import { launchChromium } from './support/chromium';
import { screenshot, waitSignedIn, watchPage, type PageWatch } from './support/portal';
import { startTestIdp, type TestIdp } from './support/test-oidc-idp';

/**
 * The portal's sign-in lists the organization's identity providers under the password
 * form, and one of them signs the browser in: Chromium follows the link to a real OpenID
 * Connect provider (oidc-provider with its development pages) on another site (localhost,
 * while the product is at 127.0.0.1), signs in and consents there, and comes back to the
 * portal, which finds itself signed in by the session cookie the sign-in set.
 */
describe('the admin portal signs in through an identity provider', () => {
  let app: AppProcess;
  let admin: ApiClient;
  let idp: TestIdp;
  let browser: BrowserContext;
  let page: Page;
  let providerId: string;
  let acmeProviderId: string;
  let watch: PageWatch;

  const links = () =>
    page
      .locator('[data-testid="sso-link"]')
      .evaluateAll((as) =>
        as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') ?? '' })),
      );

  /** At the identity provider (another site): its sign-in, then its consent, then back. */
  async function signInAtIdp() {
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.fill('input[name="login"]', 'dana');
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button:has-text("Continue")');
    await page.click('button:has-text("Continue")');
    await page.waitForURL(app.baseUrl + '/');
  }

  beforeAll(async () => {
    const idpPort = await freePort();
    app = await startApp({
      env: { DASHBOARD_REFRESH_MS: '60000', SSO_ALLOW_HOSTS: `localhost:${idpPort}` },
    });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const created = await admin.post('/api/v1/sso/providers', {
      name: 'Village IdP',
      template: 'oidc',
      settings: { issuer: `http://localhost:${idpPort}`, client_id: 'dashboard' },
      client_secret: 'dashboard-secret',
      default_role: 'viewer',
    });
    expect(created.status).toBe(201);
    providerId = created.body.id;
    idp = await startTestIdp({
      port: idpPort,
      host: 'localhost',
      clientId: 'dashboard',
      clientSecret: 'dashboard-secret',
      redirectUri: created.body.callback_url,
      accounts: { dana: { email: 'dana@village.test', email_verified: true, name: 'Dana' } },
    });
    // Another organization with a provider of its own: listed only for that organization.
    const acme = await admin.post('/api/v1/tenants', { name: 'Acme', slug: 'acme' });
    expect(acme.status).toBe(201);
    const acmeProvider = await admin.inTenant(acme.body.id).post('/api/v1/sso/providers', {
      name: 'Acme Okta',
      template: 'okta',
      settings: { domain: 'acme.okta.com', client_id: 'acme' },
    });
    expect(acmeProvider.status).toBe(201);
    acmeProviderId = acmeProvider.body.id;

    browser = await launchChromium({ width: 1400, height: 1000 });
    page = await browser.newPage();
    watch = await watchPage(page, app.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.stop();
    await app?.stop();
  });

  it("lists the organization's providers under the password form", async () => {
    await page.goto(app.baseUrl + '/');
    await page.waitForSelector('#login-form:visible');
    await page.waitForSelector('[data-testid="sso-link"]');
    expect(await links()).toEqual([
      {
        text: 'Sign in with Village IdP',
        href: `${app.baseUrl}/sso/login/${providerId}?redirect_to=/`,
      },
    ]);

    // Another organization's: typed in the form, or named in the address.
    await page.fill('[data-testid="login-tenant"]', 'acme');
    await page.waitForSelector(`[data-testid="sso-link"][data-provider-id="${acmeProviderId}"]`);
    expect(await links()).toEqual([
      {
        text: 'Sign in with Acme Okta',
        href: `${app.baseUrl}/sso/login/${acmeProviderId}?redirect_to=/`,
      },
    ]);
    await page.fill('[data-testid="login-tenant"]', 'no-such-organization');
    await page.waitForSelector('[data-testid="sso-options"]', { state: 'hidden' });
    await page.goto(app.baseUrl + '/?tenant=acme');
    await page.waitForSelector(`[data-testid="sso-link"][data-provider-id="${acmeProviderId}"]`);
    expect(await page.inputValue('[data-testid="login-tenant"]')).toBe('acme');
    expect(watch.pageErrors).toEqual([]);
  });

  it('signs in at the provider and comes back to the portal signed in', async () => {
    await page.goto(app.baseUrl + '/');
    const link = page.locator(`[data-testid="sso-link"][data-provider-id="${providerId}"]`);
    await link.waitFor();
    await screenshot(page, 'portal-sso-options.png', false);
    await link.click();
    await signInAtIdp();

    // Back on the portal, signed in by the session cookie.
    await waitSignedIn(page);
    expect(await page.isVisible('[data-testid="nav-account-sessions"]')).toBe(true);
    // A viewer sees no action that changes anything, nor the administrators' pages...
    for (const nav of ['audit', 'settings', 'workers'])
      expect(await page.locator(`[data-testid="nav-${nav}"]`).count()).toBe(0);
    expect(await page.locator('[data-testid="goal-form"]').count()).toBe(0);
    // ...and the API refuses them anyway.
    const refused = await page.evaluate(async () => {
      const post = (path: string, body: unknown) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      return [
        await post('/api/v1/goals', { goal: 'Say hello' }),
        await post('/dashboard/settings', { theme: 'light' }),
      ];
    });
    expect(refused).toEqual([403, 403]);
    const me = await page.evaluate(async () => {
      const res = await fetch('/api/v1/auth/me', { credentials: 'include' });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    expect(me).toMatchObject({
      status: 200,
      body: { email: 'dana@village.test', tenant_id: DEFAULT_TENANT_ID, roles: ['viewer'] },
    });
    const cookie = (await browser.cookies(app.baseUrl)).find((c) => c.name === 'av_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await screenshot(page, 'portal-sso-signed-in.png', false);
    expect(watch.pageErrors).toEqual([]);
  });

  it('says so when the organization requires a second factor the person has not set up', async () => {
    const required = await admin.patch('/api/v1/tenants/current', { mfa_required: true });
    expect(required.status).toBe(200);
    try {
      await browser.clearCookies();
      await page.goto(app.baseUrl + '/');
      await page.click(`[data-testid="sso-link"][data-provider-id="${providerId}"]`);
      await signInAtIdp();
      await page.waitForSelector('#login-form:visible');
      await page.waitForSelector(
        '[data-testid="login-error"]:has-text("requires a second factor")',
      );
      expect(await page.locator('[data-testid="nav"]').count()).toBe(0);
      expect(watch.pageErrors).toEqual([]);
    } finally {
      await admin.patch('/api/v1/tenants/current', { mfa_required: false });
    }
  });
});
