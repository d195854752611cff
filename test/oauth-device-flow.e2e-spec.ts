import * as oidc from 'openid-client';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
} from '#testing';
import { launchChromium } from './support/chromium';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const CONFIRM = 'button[form="op.deviceConfirmForm"]:not([name="abort"])';
const CANCEL = 'button[form="op.deviceConfirmForm"][name="abort"]';

/**
 * The device authorization grant (RFC 8628) on the built product in the embedded mode: a
 * device (openid-client, a public client) asks for a code; a user signed in to the
 * dashboard in Chromium enters it, confirms it and allows access on our pages; the device's
 * polling ends with tokens that call the API within their scope. Cancelling, denying and a
 * wrong code issue nothing. The pages run under the strict CSP: no violation, no page error.
 */
describe('OAuth device authorization grant in a browser (embedded)', () => {
  let app: AppProcess;
  let issuer: string;
  let admin: ApiClient;
  let browser: BrowserContext;
  let page: Page;
  /** Page errors and console errors (CSP violations among them) of the browser's pages. */
  const browserErrors: string[] = [];

  /**
   * Every page error and console error, except two failed loads that are no fault: the
   * dashboard asks for its config before sign-in (401 tells it to show the sign-in form),
   * and Chromium asks every origin for /favicon.ico, which the product does not serve.
   */
  function watch(target: Page): Page {
    target.on('pageerror', (error) => browserErrors.push(`page error: ${error.message}`));
    target.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const { url } = message.location();
      const path = url ? new URL(url).pathname : '';
      const expectedMiss =
        message.text().startsWith('Failed to load resource') &&
        (path === '/favicon.ico' || path === '/dashboard/config');
      if (!expectedMiss) browserErrors.push(`console error at ${target.url()}: ${message.text()}`);
    });
    return target;
  }

  /** A device client of its own, so that no consent given in another test stands for it. */
  async function registerDevice(name: string): Promise<string> {
    const created = await admin.post('/api/v1/oauth/clients', {
      name,
      client_type: 'public',
      grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
      scopes: ['openid', 'profile', 'offline_access', 'goals:read'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      client_type: 'public',
      token_endpoint_auth_method: 'none',
      redirect_uris: [],
    });
    expect(created.body.client_secret).toBeUndefined();
    return created.body.client_id as string;
  }

  /** openid-client as the device: a public client, no secret, `none` at the token endpoint. */
  function device(clientId: string): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  }

  /** One token request with the device code, as one poll sends it. */
  async function pollOnce(clientId: string, deviceCode: string) {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: DEVICE_CODE_GRANT,
        device_code: deviceCode,
        client_id: clientId,
      }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Polls in the background, as the device does while the user is at the browser. */
  function poll(config: oidc.Configuration, response: oidc.DeviceAuthorizationResponse) {
    const controller = new AbortController();
    const tokens = oidc.pollDeviceAuthorizationGrant(config, response, undefined, {
      signal: controller.signal,
    });
    // Awaited by the test; this only keeps an early rejection from counting as unhandled.
    tokens.catch(() => undefined);
    return { tokens, stop: () => controller.abort() };
  }

  /** On the code entry page: types the code and continues. */
  async function enterCode(userCode: string): Promise<void> {
    await page.waitForSelector('input[name="user_code"]');
    await page.fill('input[name="user_code"]', userCode);
    await page.click('button[form="op.deviceInputForm"]');
  }

  beforeAll(async () => {
    app = await startApp();
    issuer = `${app.baseUrl}/oauth`;
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);

    browser = await launchChromium({ width: 1200, height: 900 });
    page = watch(await browser.newPage());
    // The user signs in to the dashboard; its session cookie then signs the OAuth pages in.
    await page.goto(`${app.baseUrl}/`);
    await page.waitForSelector('[data-testid="login"]:visible');
    await page.fill('[data-testid="login-email"]', TEST_ADMIN_EMAIL);
    await page.fill('[data-testid="login-password"]', TEST_ADMIN_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login"]', { state: 'hidden' });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  afterEach(() => {
    const seen = browserErrors.splice(0);
    expect(seen).toEqual([]);
  });

  it('issues tokens once the signed-in user enters the code, confirms and allows', async () => {
    const clientId = await registerDevice('Living room TV');
    const config = await device(clientId);
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${issuer}/device/auth`);
    const response = await oidc.initiateDeviceAuthorization(config, { scope: 'openid goals:read' });
    // base-20 (no vowels), masked ****-****
    expect(response.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(response.verification_uri).toBe(`${issuer}/device`);
    const polling = poll(config, response);
    try {
      await page.goto(response.verification_uri);
      expect(await page.title()).toContain('Connect a device');
      expect(await page.textContent('main')).toContain('Enter the code your device shows.');
      // The provider's inline onfocus handler is gone (the CSP would block it).
      expect(await page.getAttribute('input[name="user_code"]', 'onfocus')).toBeNull();
      await enterCode(response.user_code);

      // The confirmation names the client and repeats the code.
      await page.waitForSelector(CANCEL);
      const confirmation = await page.textContent('main');
      expect(confirmation).toContain('Living room TV');
      expect(confirmation).toContain(response.user_code);
      await page.click(CONFIRM);

      // Signed in through the dashboard: no sign-in form, straight to consent.
      await page.waitForSelector('h1:text-is("Allow access")');
      const consent = await page.textContent('main');
      expect(consent).toContain(TEST_ADMIN_EMAIL);
      expect(consent).toContain('(openid)');
      expect(consent).toContain('(goals:read)');
      await page.click('button:text-is("Allow")');

      await page.waitForSelector('h1:text-is("Device connected")');
      expect(await page.textContent('main')).toContain('You signed in on Living room TV.');

      const tokens = await polling.tokens;
      expect(tokens.token_type).toBe('bearer');
      // The access token is for the API: its scopes; openid went to the ID token.
      expect(tokens.scope).toBe('goals:read');
      expect(tokens.claims()).toMatchObject({ iss: issuer, aud: clientId });
      // offline_access was not asked for: no refresh token.
      expect(tokens.refresh_token).toBeUndefined();

      const api = new ApiClient(app.baseUrl).withBearer(tokens.access_token);
      const me = await api.get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ principal_kind: 'oauth' });
      expect((await api.get('/api/v1/goals')).status).toBe(200);
      const write = await api.post('/api/v1/goals', { description: 'Write a haiku' });
      expect(write.status).toBe(403);
      expect(write.body.type).toMatch(/forbidden-scope$/);

      // The device code is spent.
      const again = await pollOnce(clientId, response.device_code);
      expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    } finally {
      polling.stop();
    }
  });

  it('takes the code from verification_uri_complete; offline_access brings a refresh token', async () => {
    const clientId = await registerDevice('Kitchen display');
    const config = await device(clientId);
    const response = await oidc.initiateDeviceAuthorization(config, {
      scope: 'openid offline_access goals:read',
    });
    expect(response.verification_uri_complete).toBe(
      `${issuer}/device?user_code=${encodeURIComponent(response.user_code)}`,
    );
    const polling = poll(config, response);
    try {
      // The provider posts the code on by itself (a script the CSP allows by its hash):
      // the confirmation comes up without typing.
      await page.goto(response.verification_uri_complete!);
      await page.waitForSelector(CANCEL);
      expect(await page.textContent('main')).toContain(response.user_code);
      await page.click(CONFIRM);
      await page.waitForSelector('h1:text-is("Allow access")');
      expect(await page.textContent('main')).toContain('(offline_access)');
      await page.click('button:text-is("Allow")');
      await page.waitForSelector('h1:text-is("Device connected")');

      const tokens = await polling.tokens;
      expect(tokens.scope).toBe('goals:read');
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      const api = new ApiClient(app.baseUrl).withBearer(refreshed.access_token);
      expect((await api.get('/api/v1/goals')).status).toBe(200);
    } finally {
      polling.stop();
    }
  });

  it('issues nothing when the user cancels on the confirmation page', async () => {
    const clientId = await registerDevice('Hallway speaker');
    const config = await device(clientId);
    const response = await oidc.initiateDeviceAuthorization(config, { scope: 'openid goals:read' });
    const polling = poll(config, response);
    try {
      await page.goto(response.verification_uri);
      await enterCode(response.user_code);
      await page.click(CANCEL);
      await page.waitForSelector('p.error');
      expect(await page.textContent('p.error')).toBe(
        'You cancelled the request: the device was not connected.',
      );

      await expect(polling.tokens).rejects.toMatchObject({ error: 'access_denied' });
      // The refusal is told once; the code is gone after it.
      const again = await pollOnce(clientId, response.device_code);
      expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    } finally {
      polling.stop();
    }
  });

  it('issues nothing when the user denies on the consent page', async () => {
    const clientId = await registerDevice('Garage panel');
    const config = await device(clientId);
    const response = await oidc.initiateDeviceAuthorization(config, { scope: 'openid goals:read' });
    const polling = poll(config, response);
    try {
      await page.goto(response.verification_uri);
      await enterCode(response.user_code);
      await page.click(CONFIRM);
      await page.waitForSelector('h1:text-is("Allow access")');
      await page.click('button:text-is("Deny")');
      await page.waitForSelector('p.error');
      expect(await page.textContent('p.error')).toBe(
        'You cancelled the request: the device was not connected.',
      );

      await expect(polling.tokens).rejects.toMatchObject({ error: 'access_denied' });
      const again = await pollOnce(clientId, response.device_code);
      expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    } finally {
      polling.stop();
    }
  });

  it('shows an error for a wrong code and issues nothing', async () => {
    const clientId = await registerDevice('Office badge reader');
    const config = await device(clientId);
    const response = await oidc.initiateDeviceAuthorization(config, { scope: 'openid goals:read' });
    // A code of the right shape that is not this request's.
    const wrong = response.user_code.startsWith('BBBB') ? 'CCCC-CCCC' : 'BBBB-BBBB';

    await page.goto(response.verification_uri);
    await enterCode(wrong);
    await page.waitForSelector('p.error');
    expect(await page.textContent('p.error')).toBe(
      'That code is not valid. Check it and try again.',
    );
    // The page asks again, the wrong code kept in the field, no inline handler on it.
    expect(await page.inputValue('input[name="user_code"]')).toBe(wrong);
    expect(await page.getAttribute('input[name="user_code"]', 'onfocus')).toBeNull();

    // The device's request is untouched: still waiting for the user.
    const pending = await pollOnce(clientId, response.device_code);
    expect(pending).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
  });
});
