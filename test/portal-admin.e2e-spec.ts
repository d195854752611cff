import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  waitFor,
} from '#testing';
import { totpCode } from '../src/mfa/kit/totp';
import { launchChromium } from './support/chromium';
import {
  confirmWithPassword,
  openFromNav,
  PageWatch,
  screenshot,
  signIn,
  signOut,
} from './support/portal-browser';
import { PASSWORD, Principals } from './support/principals';
import {
  startWebhookReceiver,
  verifyReceived,
  type WebhookReceiver,
} from './support/webhook-receiver';

const ECHO_PLUGIN = join(__dirname, '..', 'examples', 'plugins', 'echo-tool');
const ADMIN_LINKS = [
  'nav-users',
  'nav-roles',
  'nav-api-keys',
  'nav-sso',
  'nav-oauth-clients',
  'nav-admin-tenants',
  'nav-admin-plugins',
  'nav-workers',
];

/**
 * The portal's administration pages in a real browser against the embedded product: each
 * page's main action done through the UI and checked through the API; a viewer sees none of
 * them and is refused by the API.
 */
describe('the portal administration pages', () => {
  let app: AppProcess;
  let receiver: WebhookReceiver;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let principals: Principals;
  let browser: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let adminSecret: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startApp({
      env: {
        DASHBOARD_REFRESH_MS: '60000',
        WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
        WEBHOOK_POLL_MS: '200',
        PLUGINS: ECHO_PLUGIN,
      },
    });
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, admin);

    // The platform administrator signs in with an authenticator app, enrolled over HTTP.
    const login = await anonymous.post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    const session = anonymous.withBearer(login.body.token);
    const enroll = await session.post('/api/v1/mfa/totp/enroll');
    expect(enroll.status).toBe(200);
    adminSecret = enroll.body.secret;
    const confirmed = await session.post('/api/v1/mfa/totp/confirm', {
      code: totpCode(adminSecret, Date.now()),
    });
    expect(confirmed.status).toBe(200);

    browser = await launchChromium({ width: 1400, height: 1000 });
    page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    watch = new PageWatch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.stop();
  });

  afterEach(() => {
    // Each page's own: cleared so that one page's error fails its own test only.
    expect(watch.errors.splice(0)).toEqual([]);
  });

  it('a new user enrolls an authenticator app from the QR page, gets backup codes once and renews them', async () => {
    await principals.createUser('fresh.user@example.test', 'operator');
    await signIn(page, app.baseUrl, 'fresh.user@example.test', PASSWORD);
    await openFromNav(page, 'nav-account-security', 'security');
    expect(await page.textContent('[data-testid="mfa-enabled"]')).toBe('off');

    await page.click('[data-testid="totp-enroll"]');
    const qr = page.locator('[data-testid="totp-qr"]');
    await qr.waitFor();
    // The QR code is an image of the API's SVG (no markup in the page) and it renders.
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,/);
    await waitFor(
      () =>
        qr.evaluate((element) => {
          const img = element as unknown as { complete: boolean; naturalWidth: number };
          return (img.complete && img.naturalWidth > 0) || undefined;
        }),
      { what: 'the QR code image to render' },
    );
    // "Scanning": the authenticator reads the secret in the setup link.
    await page.click('summary:has-text("Cannot scan")');
    const uri = new URL((await page.textContent('[data-testid="totp-uri"]')) ?? '');
    const secret = uri.searchParams.get('secret') ?? '';
    expect(secret).toBe(await page.textContent('[data-testid="totp-secret"]'));
    await page.fill('[data-testid="totp-code"]', totpCode(secret, Date.now()));
    await page.click('[data-testid="totp-confirm"]');

    const codes = page.locator('[data-testid="backup-codes-value"]');
    await codes.waitFor();
    const first = ((await codes.textContent()) ?? '').split('\n');
    expect(first).toHaveLength(10);
    await page.waitForSelector('[data-testid="mfa-enabled"]:text("on")');
    await page.waitForSelector(
      '[data-testid="mfa-method-row"][data-kind="totp"][data-status="active"]',
    );
    await screenshot(page, 'security');
    const status = await page.context().request.get(`${app.baseUrl}/api/v1/mfa`);
    expect((await status.json()).enabled).toBe(true);

    // Shown once: hidden for good once stored; renewing shows ten new ones.
    await page.click('[data-testid="backup-codes-done"]');
    await codes.waitFor({ state: 'detached' });
    await page.click('[data-testid="backup-regenerate"]');
    await codes.waitFor();
    const second = ((await codes.textContent()) ?? '').split('\n');
    expect(second).toHaveLength(10);
    expect(second).not.toEqual(first);
    await signOut(page);
  });

  it('a viewer sees no administration link or action, and the API refuses them (403)', async () => {
    await principals.createUser('viewer@example.test', 'viewer');
    await signIn(page, app.baseUrl, 'viewer@example.test', PASSWORD);
    for (const link of ADMIN_LINKS)
      expect(await page.locator(`[data-testid="${link}"]`).count()).toBe(0);

    await openFromNav(page, 'nav-webhooks', 'webhooks');
    expect(await page.locator('[data-testid="webhook-create"]').count()).toBe(0);
    await page.goto(`${app.baseUrl}/users`);
    await page.waitForSelector('[data-testid="forbidden"]');
    await page.goto(`${app.baseUrl}/admin/tenants`);
    await page.waitForSelector('[data-testid="forbidden"]');
    await screenshot(page, 'viewer-forbidden');

    // The viewer's own session cookie, straight at the API.
    const request = page.context().request;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { email: 'x@example.test', display_name: 'x', password: PASSWORD }],
      ['GET', '/api/v1/roles'],
      ['GET', '/api/v1/api-keys'],
      ['GET', '/api/v1/tenants'],
      ['GET', '/api/v1/sso/providers'],
      ['GET', '/api/v1/oauth/clients'],
      ['POST', '/api/v1/webhooks', { name: 'x', url: receiver.url('/x'), events: ['*'] }],
      ['GET', '/api/v1/plugins'],
      ['GET', '/api/v1/workers'],
    ];
    for (const [method, path, data] of calls) {
      const res = await request.fetch(`${app.baseUrl}${path}`, { method, data });
      expect(`${method} ${path} ${res.status()}`).toBe(`${method} ${path} 403`);
    }
    await signOut(page);
  });

  it('the platform administrator signs in with a code and creates a user, a custom role and assigns it', async () => {
    await signIn(page, app.baseUrl, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, () =>
      totpCode(adminSecret, Date.now() + 30_000),
    );
    for (const link of ADMIN_LINKS) await page.waitForSelector(`[data-testid="${link}"]`);

    await openFromNav(page, 'nav-roles', 'roles');
    await page.fill('[data-testid="role-name"]', 'auditor');
    await page.fill('[data-testid="role-description"]', 'Reads the audit log');
    await page.check('[data-testid="role-permissions"] input[value="audit:read"]');
    await page.click('[data-testid="role-submit"]');
    // Creating a role is dangerous: the session is confirmed first, then the call goes again.
    await confirmWithPassword(page, TEST_ADMIN_PASSWORD);
    await page.waitForSelector('[data-testid="role-row"][data-role="auditor"]');
    const role = await admin.get('/api/v1/roles/auditor');
    expect(role.body.permissions).toEqual(['audit:read']);
    await screenshot(page, 'roles');

    await openFromNav(page, 'nav-users', 'users');
    await page.fill('[data-testid="user-new-email"]', 'new.hire@example.test');
    await page.fill('[data-testid="user-new-name"]', 'New Hire');
    await page.fill('[data-testid="user-new-password"]', PASSWORD);
    await page.click('[data-testid="user-submit"]');
    const row = page.locator('[data-testid="user-row"][data-user-email="new.hire@example.test"]');
    await row.waitFor();
    await row.locator('[data-testid="user-assign-role"]').selectOption('auditor');
    await row.locator('[data-testid="user-assign"]').click();
    await row.locator('[data-testid="user-roles"] li[data-role="auditor"]').waitFor();
    const users = await admin.get('/api/v1/users?limit=100');
    const hire = users.body.items.find(
      (u: { email: string }) => u.email === 'new.hire@example.test',
    );
    const assignments = await admin.get(`/api/v1/role-assignments?user_id=${hire.id}`);
    expect(assignments.body.items.map((a: { role: string }) => a.role)).toEqual(['auditor']);

    await row.locator('[data-testid="user-toggle"]').click();
    await page.waitForSelector(
      '[data-testid="user-row"][data-user-email="new.hire@example.test"][data-status="disabled"]',
    );
    expect((await admin.get(`/api/v1/users/${hire.id}`)).body.status).toBe('disabled');
    await screenshot(page, 'users');
  });

  it('creates an API key whose key, shown once, calls the API; rotating and revoking take effect', async () => {
    await openFromNav(page, 'nav-api-keys', 'api-keys');
    await page.fill('[data-testid="key-name"]', 'portal key');
    await page.check('[data-testid="key-scopes"] input[value="read:goals"]');
    await page.click('[data-testid="key-submit"]');
    const secret = page.locator('[data-testid="key-secret-value"]');
    await secret.waitFor();
    const key = ((await secret.textContent()) ?? '').trim();
    expect(key).toMatch(/^ak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await anonymous.withApiKey(key).get('/api/v1/goals')).status).toBe(200);
    // The scope is all it carries.
    expect((await anonymous.withApiKey(key).get('/api/v1/users')).status).toBe(403);
    await screenshot(page, 'api-keys');
    await page.click('[data-testid="key-secret-done"]');

    const row = page.locator('[data-testid="key-row"][data-key-name="portal key"]');
    await row.locator('[data-testid="key-rotate"]').click();
    await waitFor(async () => ((await secret.textContent()) ?? '').trim() !== key || undefined, {
      what: 'the new secret',
    });
    const rotated = ((await secret.textContent()) ?? '').trim();
    expect((await anonymous.withApiKey(rotated).get('/api/v1/goals')).status).toBe(200);
    expect((await anonymous.withApiKey(key).get('/api/v1/goals')).status).toBe(401);

    await row.locator('[data-testid="key-revoke"]').click();
    await page.waitForSelector(
      '[data-testid="key-row"][data-key-name="portal key"][data-status="revoked"]',
    );
    expect((await anonymous.withApiKey(rotated).get('/api/v1/goals')).status).toBe(401);
  });

  it('adds a webhook endpoint and sees its test event delivered, with the attempt', async () => {
    await openFromNav(page, 'nav-webhooks', 'webhooks');
    await page.click('summary:has-text("Add an endpoint")');
    await page.fill('[data-testid="webhook-name"]', 'ops hook');
    await page.fill('[data-testid="webhook-url"]', receiver.url('/portal'));
    await page.check('[data-testid="webhook-events"] input[value="goal.*"]');
    await page.click('[data-testid="webhook-submit"]');
    const secret = (
      (await page.locator('[data-testid="webhook-secret-value"]').textContent()) ?? ''
    ).trim();
    expect(secret).not.toBe('');
    const row = page.locator('[data-testid="webhook-row"][data-name="ops hook"]');
    await row.waitFor();
    const hookId = await row.getAttribute('data-webhook-id');
    expect((await admin.get(`/api/v1/webhooks/${hookId}`)).body.events).toEqual(['goal.*']);
    await screenshot(page, 'webhooks');

    await row.locator('[data-testid="webhook-open"]').click();
    await page.waitForSelector('[data-testid="webhook-detail"]');
    expect(new URL(page.url()).pathname).toBe(`/webhooks/${hookId}`);
    await page.click('[data-testid="webhook-test"]');
    const received = await receiver.until(() => receiver.delivered('/portal')[0], {
      what: 'the test event',
    });
    expect(verifyReceived(received, secret)).toBe(true);

    const delivery = page.locator(
      `[data-testid="delivery-row"][data-delivery-id="${received.deliveryId}"]`,
    );
    await page.waitForSelector(
      `[data-testid="delivery-row"][data-delivery-id="${received.deliveryId}"][data-status="DELIVERED"]`,
    );
    await delivery.locator('[data-testid="delivery-open"]').click();
    await page.waitForSelector('[data-testid="attempt-row"]');
    expect(await page.textContent('[data-testid="attempt-status"]')).toBe('200');
    expect(await page.textContent('[data-testid="attempt-body"]')).toContain('"ok":true');
    // The deliveries filter lives in the address.
    await page.selectOption('[data-testid="deliveries-status"]', 'DELIVERED');
    await page.waitForURL(/status=DELIVERED/);
    await screenshot(page, 'webhook-deliveries');
  });

  it('creates a tenant and suspends it with a reason; its quotas show as bars', async () => {
    await openFromNav(page, 'nav-admin-tenants', 'tenants');
    await page.click('summary:has-text("New tenant")');
    await page.fill('[data-testid="tenant-slug"]', 'acme');
    await page.fill('[data-testid="tenant-new-name"]', 'Acme Corp');
    await page.selectOption('[data-testid="tenant-new-tier"]', 'STARTER');
    await page.click('[data-testid="tenant-submit"]');
    const row = page.locator('[data-testid="tenant-row"][data-slug="acme"]');
    await row.waitFor();
    await row.locator('[data-testid="tenant-quota-bars"] meter').first().waitFor();
    await row.locator('[data-testid="tenant-reason"]').fill('billing overdue');
    await row.locator('[data-testid="tenant-suspend"]').click();
    await page.waitForSelector(
      '[data-testid="tenant-row"][data-slug="acme"][data-status="SUSPENDED"]',
    );
    expect(await row.locator('[data-testid="tenant-row-reason"]').textContent()).toBe(
      'billing overdue',
    );
    const tenants = await admin.get('/api/v1/tenants');
    const acme = tenants.body.items.find((t: { slug: string }) => t.slug === 'acme');
    expect(acme).toMatchObject({
      status: 'SUSPENDED',
      tier: 'STARTER',
      status_reason: 'billing overdue',
    });
    await page.selectOption('[data-testid="tenants-status"]', 'SUSPENDED');
    await page.waitForURL(/status=SUSPENDED/);
    await screenshot(page, 'tenants');
  });

  it('adds an SSO provider and registers an OAuth client whose secret is shown once', async () => {
    await openFromNav(page, 'nav-sso', 'sso');
    await page.click('[data-testid="sso-add"]');
    await page.selectOption('[data-testid="sso-template"]', 'github');
    await page.fill('[data-testid="sso-name"]', 'GitHub');
    await page.fill('[data-testid="sso-settings"]', 'client_id = portal-test-client');
    await page.fill('[data-testid="sso-secret"]', 'github-client-secret');
    await page.click('[data-testid="sso-submit"]');
    await page.waitForSelector('[data-testid="sso-row"][data-name="GitHub"]');
    const providers = await admin.get('/api/v1/sso/providers');
    expect(providers.body.items).toEqual([
      expect.objectContaining({ name: 'GitHub', template: 'github', has_client_secret: true }),
    ]);
    await screenshot(page, 'sso');

    await openFromNav(page, 'nav-oauth-clients', 'oauth-clients');
    await page.click('summary:has-text("Register a client")');
    await page.fill('[data-testid="oauth-name"]', 'Reporting');
    await page.fill('[data-testid="oauth-redirects"]', 'https://reports.example.com/callback');
    await page.click('[data-testid="oauth-submit"]');
    const secret = page.locator('[data-testid="oauth-secret-value"]');
    await secret.waitFor();
    expect(((await secret.textContent()) ?? '').trim().length).toBeGreaterThan(20);
    await page.waitForSelector('[data-testid="oauth-row"][data-name="Reporting"]');
    const clients = await admin.get('/api/v1/oauth/clients');
    expect(clients.body.items).toEqual([
      expect.objectContaining({
        name: 'Reporting',
        client_type: 'confidential',
        redirect_uris: ['https://reports.example.com/callback'],
      }),
    ]);
    await screenshot(page, 'oauth-clients');
  });

  it('disables the example plugin and drains the worker', async () => {
    await openFromNav(page, 'nav-admin-plugins', 'plugins');
    const plugin = page.locator('[data-testid="plugin-row"][data-plugin="echo-tool"]');
    await plugin.waitFor();
    expect(await plugin.getAttribute('data-status')).toBe('LOADED');
    await plugin.locator('[data-testid="plugin-disable"]').click();
    await page.waitForSelector(
      '[data-testid="plugin-row"][data-plugin="echo-tool"][data-status="DISABLED"]',
    );
    expect((await admin.get('/api/v1/plugins/echo-tool')).body.status).toBe('DISABLED');
    await screenshot(page, 'plugins');

    await openFromNav(page, 'nav-workers', 'workers-panel');
    const worker = page.locator('[data-testid="worker-row"]').first();
    await worker.waitFor();
    const workerId = await worker.getAttribute('data-worker-id');
    const drained = page.waitForResponse((r) =>
      r.url().endsWith(`/api/v1/workers/${workerId}/drain`),
    );
    await worker.locator('[data-testid="worker-drain"]').click();
    expect((await drained).status()).toBe(202);
    // Without a running job it leaves the registry at once; with one it shows as draining.
    await waitFor(
      async () => {
        const res = await admin.get(`/api/v1/workers/${workerId}`);
        return res.status === 404 || res.body.status === 'DRAINING' || undefined;
      },
      { what: 'the worker to drain' },
    );
    // read through locators: a string evaluated in the page would be eval, which the CSP refuses
    await waitFor(
      async () => {
        const row = page.locator(`[data-worker-id="${workerId}"]`);
        // the row may leave between two reads: a short wait, then look again
        const text = await row
          .first()
          .textContent({ timeout: 200 })
          .catch(() => null);
        if (text === null) return (await row.count()) === 0 || undefined;
        return /draining/i.test(text) || undefined;
      },
      { what: 'the workers page to show the drain' },
    );
    await screenshot(page, 'workers');
  });
});
