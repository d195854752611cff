import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const PORTAL_SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'portal-admin');

/**
 * What a page must not do: uncaught errors, console errors, Content-Security-Policy
 * violations. A refused API call (4xx the page handles and shows) is logged by Chromium as
 * "Failed to load resource": those are kept apart, not counted as errors.
 */
export class PageWatch {
  readonly errors: string[] = [];
  readonly refusedCalls: string[] = [];

  constructor(page: Page) {
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (text.startsWith('Failed to load resource')) this.refusedCalls.push(text);
      else this.errors.push(`console: ${text}`);
    });
    // Runs before the page's own scripts in every document: violations reach the console.
    void page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));`,
    });
  }
}

/** Signs in through the portal's form; `code` answers the second step when it is asked. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  code?: () => string,
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('[data-testid="login"]:visible');
  await page.fill('[data-testid="login-email"]', email);
  await page.fill('[data-testid="login-password"]', password);
  await page.click('[data-testid="login-submit"]');
  if (code) {
    await page.waitForSelector('[data-testid="mfa-form"]:visible');
    await page.fill('[data-testid="mfa-code"]', code());
    await page.click('[data-testid="mfa-submit"]');
  }
  await page.waitForSelector('[data-testid="nav"]');
}

export async function signOut(page: Page): Promise<void> {
  await page.click('[data-testid="sign-out"]');
  await page.waitForSelector('[data-testid="login"]:visible');
}

/** Follows the navigation link (as a user would) and waits for the page's frame. */
export async function openFromNav(
  page: Page,
  navTestId: string,
  pageTestId: string,
): Promise<void> {
  await page.click(`[data-testid="${navTestId}"]`);
  await page.waitForSelector(`[data-testid="${pageTestId}"]`);
  await page.waitForSelector('[data-testid="loading"]', { state: 'detached' });
}

/** Answers the "confirm it is you" dialog with the password. */
export async function confirmWithPassword(page: Page, password: string): Promise<void> {
  await page.waitForSelector('[data-testid="elevate-dialog"]');
  await page.fill('[data-testid="elevate-input"]', password);
  await page.click('[data-testid="elevate-submit"]');
  await page.waitForSelector('[data-testid="elevate-dialog"]', { state: 'detached' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(PORTAL_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(PORTAL_SCREENSHOTS, `${name}.png`), fullPage: true });
}
