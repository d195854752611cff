import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Where browser suites keep their screenshots (kept as test artifacts). */
export const OUTPUT = join(__dirname, '..', '..', 'test-output');

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, name), fullPage });
}

/** What a page did wrong while a suite drove it: read them at the end of each test. */
export interface PageWatch {
  /** Content-Security-Policy violations the page reported, and CSP errors on its console. */
  policyViolations: string[];
  /** Uncaught script errors. */
  pageErrors: string[];
  /** Console errors other than the browser's own note of a refused request (a 401 or 404 the page expects). */
  consoleErrors: string[];
  /** Requests to anywhere but the product (the portal must work offline). */
  external: string[];
}

/**
 * Watches a page from its first load: CSP violations (reported by the page itself through
 * `securitypolicyviolation`), script errors, console errors and requests leaving the product.
 */
export async function watchPage(page: Page, baseUrl: string): Promise<PageWatch> {
  const watch: PageWatch = {
    policyViolations: [],
    pageErrors: [],
    consoleErrors: [],
    external: [],
  };
  await page.exposeFunction('reportPolicyViolation', (text: string) =>
    watch.policyViolations.push(text),
  );
  await page.addInitScript(
    `document.addEventListener('securitypolicyviolation', (e) =>
       window.reportPolicyViolation(
         e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber))`,
  );
  page.on('console', (message) => {
    const text = message.text();
    if (/content security policy|refused to (load|execute|connect|apply)/i.test(text))
      watch.policyViolations.push(`console ${message.type()}: ${text}`);
    else if (
      message.type() === 'error' &&
      !/^Failed to load resource: the server responded/.test(text)
    )
      watch.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => watch.pageErrors.push(`${page.url()}: ${error.message}`));
  const ws = baseUrl.replace(/^http/, 'ws');
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(baseUrl) && !url.startsWith(ws) && !url.startsWith('data:'))
      watch.external.push(url);
  });
  return watch;
}

/** The password step of the sign-in form (the portal must be showing it). */
export async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await page.waitForSelector('[data-testid="login"]:visible');
  await page.fill('[data-testid="login-email"]', email);
  await page.fill('[data-testid="login-password"]', password);
  await page.click('[data-testid="login-submit"]');
}

/** Signs in with a password alone and waits for the live portal. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(baseUrl + '/');
  await submitPassword(page, email, password);
  await waitSignedIn(page);
}

/** The shell is up and its WebSocket live. */
export async function waitSignedIn(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="login"]', { state: 'hidden' });
  await page.waitForSelector('[data-testid="connection"]:text("live")', { timeout: 30000 });
}

/**
 * Opens a page from the navigation, as a person would (the single-page app keeps its state
 * and live stream); `nav-overview`, `nav-goals`, `nav-audit`, `nav-account-sessions`, ...
 */
export async function openFromNav(page: Page, navTestId: string): Promise<void> {
  await page.click(`[data-testid="${navTestId}"]`);
  await page.waitForSelector(`[data-testid="${navTestId}"][aria-current="page"]`);
}
