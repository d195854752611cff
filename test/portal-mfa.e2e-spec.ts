import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/chromium';
import {
  openFromNav,
  screenshot,
  submitPassword,
  waitSignedIn,
  watchPage,
  type PageWatch,
} from './support/portal';
import { ApiClient, AppProcess, startApp, TEST_ADMIN_API_KEY } from '#testing';
import { totpCode } from '../src/mfa/kit/totp';
import { PASSWORD, Principals } from './support/principals';

const EMAIL = 'mfa.user@example.test';

describe('the admin portal with a second factor', () => {
  let app: AppProcess;
  let anonymous: ApiClient;
  let browser: BrowserContext;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    app = await startApp({ env: { DASHBOARD_REFRESH_MS: '60000' } });
    anonymous = new ApiClient(app.baseUrl);
    browser = await launchChromium({ width: 1400, height: 1000 });
    page = await browser.newPage();
    watch = await watchPage(page, app.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('signs in with an authenticator code, trusts the browser, lists the sessions and ends them', async () => {
    const principals = new Principals(anonymous, anonymous.withApiKey(TEST_ADMIN_API_KEY));
    await principals.createUser(EMAIL, 'operator');

    // Over HTTP, without cookies: sign in and enroll an authenticator app.
    const login = await anonymous.post('/api/v1/auth/login', { email: EMAIL, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.status).toBe('authenticated');
    const httpSessionId: string = login.body.session_id;
    let httpToken: string = login.body.token;
    const enroll = await anonymous.withBearer(httpToken).post('/api/v1/mfa/totp/enroll');
    expect(enroll.status).toBe(200);
    const secret: string = enroll.body.secret;
    const confirm = await anonymous
      .withBearer(httpToken)
      .post('/api/v1/mfa/totp/confirm', { code: totpCode(secret, Date.now()) });
    expect(confirm.status).toBe(200);
    expect(confirm.body.backup_codes).toHaveLength(10);
    // Confirming the second factor verifies this session, which then carries a new token.
    expect(confirm.body.token).toEqual(expect.any(String));
    httpToken = confirm.body.token;
    expect((await anonymous.withBearer(httpToken).get('/api/v1/auth/me')).status).toBe(200);

    // In the browser: the password, then the second step.
    await page.goto(app.baseUrl + '/');
    await submitPassword(page, EMAIL, PASSWORD);
    await page.waitForSelector('[data-testid="mfa-form"]:visible');
    expect(await page.isHidden('#login-form')).toBe(true);
    expect(await page.inputValue('[data-testid="mfa-method"]')).toBe('totp');
    expect(await page.isHidden('[data-testid="mfa-send"]')).toBe(true);
    // The challenge lives in the page's memory only.
    expect(
      await page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage)'),
    ).toBe('{}{}');

    // A wrong code is refused with the problem's detail; the step stays.
    const wrong = String((Number(totpCode(secret, Date.now() + 30_000)) + 1) % 1_000_000).padStart(
      6,
      '0',
    );
    await page.fill('[data-testid="mfa-code"]', wrong);
    await page.click('[data-testid="mfa-submit"]');
    await page.waitForSelector('[data-testid="mfa-error"]:not(:empty)');
    expect(await page.textContent('[data-testid="mfa-error"]')).toMatch(/code/i);
    await page.waitForSelector('[data-testid="mfa-form"]:visible');

    await screenshot(page, 'portal-mfa-step.png', false);
    // The next step's code: the enrollment used the current one, and a code is good once.
    await page.fill('[data-testid="mfa-code"]', totpCode(secret, Date.now() + 30_000));
    await page.check('[data-testid="mfa-trust"]');
    await page.click('[data-testid="mfa-submit"]');
    await waitSignedIn(page);

    // The sessions: this browser's (marked) and the HTTP client's.
    await openFromNav(page, 'nav-account-sessions');
    expect(new URL(page.url()).pathname).toBe('/account/sessions');
    const rows = page.locator('[data-testid="session-row"]');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const current = page.locator('[data-testid="session-row"][data-current="true"]');
    expect(await current.count()).toBe(1);
    expect(await current.locator('[data-testid="session-current"]').textContent()).toBe(
      'this session',
    );
    expect(await current.getAttribute('data-session-id')).not.toBe(httpSessionId);
    const other = page.locator(`[data-testid="session-row"][data-session-id="${httpSessionId}"]`);
    expect(await other.getAttribute('data-current')).toBe('false');
    await screenshot(page, 'portal-sessions.png');

    // Ending the HTTP client's session: its token stops working at once.
    await other.locator('[data-testid="session-end"]').click();
    await other.waitFor({ state: 'detached' });
    expect((await anonymous.withBearer(httpToken).get('/api/v1/auth/me')).status).toBe(401);
    expect(await current.count()).toBe(1);

    // Ending this browser's session signs it out.
    await current.locator('[data-testid="session-end"]').click();
    await page.waitForSelector('[data-testid="login"]:visible');
    await page.waitForSelector('#login-form:visible');
    expect(await page.isHidden('[data-testid="mfa-form"]')).toBe(true);
    expect(await page.locator('[data-testid="nav"]').count()).toBe(0);
    expect(await page.locator('[data-testid="sessions"]').count()).toBe(0);
    expect((await page.context().request.get(app.baseUrl + '/api/v1/sessions')).status()).toBe(401);

    // The browser was trusted at the second step: the password alone signs it in again.
    await submitPassword(page, EMAIL, PASSWORD);
    await waitSignedIn(page);
    expect(watch.pageErrors).toEqual([]);
    expect(watch.policyViolations).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
  });
});
