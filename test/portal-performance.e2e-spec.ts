import type { BrowserContext } from 'playwright-core';
import { AppProcess, startApp, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD } from '#testing';
import { launchChromium } from './support/chromium';
import { signIn } from './support/portal';

/** Milliseconds from the navigation's start until the selector is on screen and usable. */
async function timeToInteractive(context: BrowserContext, url: string, selector: string) {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator(selector).waitFor();
  await page.locator(selector).isEnabled();
  const timing = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { interactive: performance.now(), domContentLoaded: nav.domContentLoadedEventEnd, transferred: performance.getEntriesByType('resource').reduce((n, r) => n + r.transferSize, nav.transferSize) };
  })()`)) as { interactive: number; domContentLoaded: number; transferred: number };
  await page.close();
  return timing;
}

/**
 * How fast the first page is usable from a cold load (a fresh browser profile, nothing
 * cached): reported, not asserted, since it depends on the machine.
 */
describe('the admin portal from a cold load', () => {
  let app: AppProcess;
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    app = await startApp({ env: { DASHBOARD_REFRESH_MS: '60000' } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('reports the time until the sign-in, then the signed-in overview, is interactive', async () => {
    browser = await launchChromium({ width: 1400, height: 1000 });
    const signInPage = await timeToInteractive(
      browser,
      app.baseUrl + '/',
      '[data-testid="login-email"]',
    );
    await browser.close();

    // Signed in, then a new profile's cold load with only the session cookie carried over.
    browser = await launchChromium({ width: 1400, height: 1000 });
    const first = await browser.newPage();
    await signIn(first, app.baseUrl, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    const cookies = await browser.cookies(app.baseUrl);
    await browser.close();
    browser = await launchChromium({ width: 1400, height: 1000 });
    await browser.addCookies(cookies);
    const overview = await timeToInteractive(
      browser,
      app.baseUrl + '/',
      '[data-testid="stat-goals"]',
    );

    const report = (name: string, t: typeof signInPage) =>
      `${name}: interactive after ${Math.round(t.interactive)} ms (DOMContentLoaded ${Math.round(t.domContentLoaded)} ms, ${Math.round(t.transferred / 1024)} KiB transferred)`;
    console.log(
      `Portal cold load on this machine\n  ${report('sign-in page', signInPage)}\n  ${report('signed-in overview', overview)}`,
    );
    // The cookie alone opened the overview (its numbers were waited for), not the sign-in.
    expect(overview.interactive).toBeGreaterThan(0);
  });
});
