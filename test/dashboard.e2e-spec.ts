import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CSV_HEADER } from '../src/audit/audit-views';
import { launchChromium } from './support/chromium';
import { PASSWORD, Principals } from './support/principals';
import {
  ApiClient,
  AppProcess,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
} from '#testing';

const OUTPUT = join(__dirname, '..', 'test-output');
const QUOTA_LABELS = {
  goals_per_day: 'Goals today',
  tokens_per_day: 'Tokens today',
  agents: 'Agents running',
  workers: 'Workers in use',
  storage_mb: 'Storage (MB)',
  api_calls_per_minute: 'API calls this minute',
};

/** What the Tenant panel shows for each quota: label, usage text, level, bar, reset line. */
async function quotaRows(page: Page) {
  return page.locator('[data-testid="quota-row"]').evaluateAll((rows) =>
    rows.map((row) => {
      const meter = row.querySelector('meter');
      return {
        resource: row.getAttribute('data-resource'),
        label: row.querySelector('.quota-label')?.textContent,
        usage: row.querySelector('[data-testid="quota-usage"]')?.textContent,
        used: Number(row.querySelector('[data-testid="quota-usage"]')?.getAttribute('data-used')),
        level: row.getAttribute('data-level'),
        meter: meter ? { value: meter.value, max: meter.max, low: meter.low } : null,
        foot: row.querySelector('[data-testid="quota-reset"]')?.textContent ?? null,
      };
    }),
  );
}

describe('the web dashboard', () => {
  let app: AppProcess;
  let api: ApiClient;
  let browser: BrowserContext;

  beforeAll(async () => {
    app = await startApp({
      env: { DASHBOARD_TITLE: 'Village Control', DASHBOARD_REFRESH_MS: '60000' },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    browser = await launchChromium({ width: 1400, height: 1100 });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  describe('API', () => {
    it('serves its configuration from the config module and saves settings per tenant', async () => {
      const config = await api.get('/dashboard/config');
      expect(config.body).toMatchObject({
        title: 'Village Control',
        refresh_ms: 60000,
        theme: 'dark',
        panels: ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'],
        api_url: '',
        ws_url: '',
      });
      const saved = await api.post('/dashboard/settings', {
        refresh_ms: 2000,
        panels: ['goals', 'logs'],
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        refresh_ms: 2000,
        panels: ['goals', 'logs'],
        theme: 'dark',
      });
      const merged = await api.post('/dashboard/settings', { theme: 'light' });
      expect(merged.body).toMatchObject({
        refresh_ms: 2000,
        panels: ['goals', 'logs'],
        theme: 'light',
      });

      const bad = await api.post('/dashboard/settings', {
        refresh_ms: 10,
        theme: 'neon',
        panels: ['x'],
        ws_url: 'http://x',
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'panels',
        'refresh_ms',
        'theme',
        'ws_url',
      ]);
      expect((await api.post('/dashboard/settings', {})).status).toBe(400);
      expect((await api.get('/dashboard/config')).body.theme).toBe('light');
      // Back to the defaults the browser test expects.
      await api.post('/dashboard/settings', {
        refresh_ms: 60000,
        theme: 'dark',
        panels: ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'],
      });
    });

    it('answers stats, goals, agents and widgets', async () => {
      const goalId = (await api.post('/api/v1/goals', { goal: 'Research cats. Research dogs.' }))
        .body.goal_id;
      await waitFor(
        async () => (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'completed',
      );
      const stats = (await api.get('/dashboard/stats')).body;
      expect(stats.goals.total).toBeGreaterThanOrEqual(1);
      expect(stats.goals.completed).toBeGreaterThanOrEqual(1);
      expect(stats.success_rate).toBe(1);
      expect(stats.agents.total).toBeGreaterThanOrEqual(1);
      expect(stats.workers).toMatchObject({ api_processes_jobs: true });

      const goals = (await api.get('/dashboard/goals?limit=5')).body;
      const goal = goals.recent.find((g: { id: string }) => g.id === goalId);
      expect(goal).toMatchObject({ status: 'completed', state: 'COMPLETED' });
      expect(goal.tasks).toHaveLength(3);
      expect(
        goal.tasks.every(
          (t: { agent_id: string | null; status: string }) =>
            t.agent_id && t.status === 'completed',
        ),
      ).toBe(true);

      const agents = (await api.get('/dashboard/agents')).body;
      expect(agents.source).toBe('tasks');
      expect(agents.items[0]).toMatchObject({ status: 'idle', score: 1 });
      expect(agents.items[0].tasks_completed).toBeGreaterThanOrEqual(3);

      for (const w of ['goals', 'agents', 'metrics']) {
        const widget = await api.get(`/dashboard/widgets/${w}`);
        expect(widget.status).toBe(200);
        expect(widget.body.widget).toBe(w);
        for (const series of Object.values(widget.body.series) as Array<Array<{ value: number }>>)
          expect(series).toHaveLength(24);
      }
      const metrics = (await api.get('/dashboard/widgets/metrics')).body;
      expect(metrics.values.success_rate).toBe(1);
      expect(metrics.series.success_rate.at(-1).value).toBe(1);
      const bad = await api.get('/dashboard/widgets/weather');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('widget');
      expect((await api.get('/dashboard/goals?limit=1000')).status).toBe(400);
    });
  });

  describe('in Chromium', () => {
    let page: Page;
    /** Content-Security-Policy violations the page reported, and CSP errors on its console. */
    const policyViolations: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      page = await browser.newPage();
      await page.exposeFunction('reportPolicyViolation', (text: string) =>
        policyViolations.push(text),
      );
      // Reports every violation of the page's Content-Security-Policy back to the test.
      await page.addInitScript(
        `document.addEventListener('securitypolicyviolation', (e) =>
           window.reportPolicyViolation(
             e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber))`,
      );
      page.on('console', (message) => {
        if (/content security policy|refused to (load|execute|connect|apply)/i.test(message.text()))
          policyViolations.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const external: string[] = [];
      page.on('request', (r) => {
        if (
          !r.url().startsWith(app.baseUrl) &&
          !r.url().startsWith(app.baseUrl.replace('http', 'ws')) &&
          !r.url().startsWith('data:')
        )
          external.push(r.url());
      });
      (page as unknown as { external: string[] }).external = external;
    });

    it('signs in, submits a goal and watches it reach completed live, with its tasks and agent', async () => {
      await page.goto(app.baseUrl + '/');
      // nothing is shown without an identity: the login screen comes first
      await page.waitForSelector('[data-testid="login"]:visible');
      await page.fill('[data-testid="login-email"]', TEST_ADMIN_EMAIL);
      await page.fill('[data-testid="login-password"]', 'not the password');
      await page.click('[data-testid="login-submit"]');
      await page.waitForSelector('[data-testid="login-error"]:not(:empty)');
      await page.fill('[data-testid="login-password"]', TEST_ADMIN_PASSWORD);
      await page.click('[data-testid="login-submit"]');
      await page.waitForSelector('[data-testid="login"]', { state: 'hidden' });
      await page.waitForSelector('[data-testid="connection"]:text("live")');
      expect(await page.textContent('[data-testid="title"]')).toBe('Village Control');
      expect(await page.title()).toBe('Village Control');

      await page.fill('[data-testid="goal-input"]', 'Research owls. Research bats. Compare them.');
      await page.click('[data-testid="goal-submit"]');
      // No reload: the WebSocket stream drives the page to the finished goal.
      const detail = page.locator('[data-testid="goal-detail"][data-status="completed"]');
      await detail.waitFor({ timeout: 60000 });
      const goalId = await detail.getAttribute('data-goal-id');
      expect(goalId).toMatch(/^[0-9a-f-]{36}$/);
      expect(
        await page
          .locator(`#goals-recent [data-goal-id="${goalId}"] [data-testid="goal-status"]`)
          .textContent(),
      ).toBe('completed');

      const tasks = (await api.get(`/api/v1/goals/${goalId}/tasks`)).body.items as Array<{
        key: string;
      }>;
      expect(tasks.length).toBeGreaterThanOrEqual(3);
      expect(await page.locator('[data-testid="task-row"]').count()).toBe(tasks.length);
      const agents = await page.locator('[data-testid="task-agent"]').allTextContents();
      expect(agents.every((a) => /tool_agent · \S+/.test(a))).toBe(true);
      expect(await page.locator('[data-testid="task-graph"] g[data-task-key]').count()).toBe(
        tasks.length,
      );
      expect((await page.textContent('[data-testid="goal-result"]'))?.length).toBeGreaterThan(0);

      await page.locator('[data-testid="agent-row"]').first().waitFor();
      expect(await page.locator('#stat-goals').textContent()).toMatch(/^\d+$/);
      // The live log shows this goal's events as they happened.
      await page
        .locator(`[data-testid="log"] li[data-event="goal.completed"][data-goal-id="${goalId}"]`)
        .waitFor();
      expect(
        await page
          .locator(`[data-testid="log"] li[data-event="goal.created"][data-goal-id="${goalId}"]`)
          .count(),
      ).toBe(1);

      // The log level filter hides info lines when only errors are wanted.
      await page.selectOption('[data-testid="log-level"]', 'error');
      expect(await page.locator('[data-testid="log"] li[data-level="info"]:visible').count()).toBe(
        0,
      );
      await page.selectOption('[data-testid="log-level"]', 'info');
      expect(
        await page.locator('[data-testid="log"] li[data-level="info"]:visible').count(),
      ).toBeGreaterThan(0);
    });

    it("shows the tenant's tier, its quotas (unlimited here) and goals today going up by one", async () => {
      // The default tenant: ENTERPRISE, every quota lifted (migration 1765200000000).
      const panel = page.locator('[data-testid="tenant"]');
      await panel.waitFor();
      await page.waitForSelector('[data-testid="quota-row"]');
      expect(await page.textContent('[data-testid="tenant-tier"]')).toBe('ENTERPRISE');
      expect(await page.textContent('[data-testid="tenant-status"]')).toBe('active');
      expect(await page.textContent('[data-testid="tenant-name"]')).toBe(
        (await api.get('/api/v1/tenants/me')).body.name,
      );
      const before = await quotaRows(page);
      expect(before.map((r) => [r.resource, r.label])).toEqual(Object.entries(QUOTA_LABELS));
      for (const row of before) {
        expect(row.usage).toBe(`${row.used.toLocaleString('en-US')} · unlimited`);
        expect(row.level).toBe('none');
        expect(row.meter).toBeNull(); // no limit, no bar to fill
      }
      expect(before.find((r) => r.resource === 'goals_per_day')?.foot).toBe('resets 00:00 UTC');
      expect(before.find((r) => r.resource === 'agents')?.foot).toBeNull();

      // Its per-tenant rate limits, as the stats API lists them.
      const limits = (await api.get('/api/v1/tenants/me/stats')).body.rate_limits as Array<{
        rule: string;
      }>;
      const limitRows = page.locator('[data-testid="tenant-limits"] tr');
      if (limits.length)
        expect(
          await page
            .locator('[data-testid="rate-limit-row"]')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule'))),
        ).toEqual(limits.map((l) => l.rule));
      else expect(await limitRows.textContent()).toBe('no per-tenant rate limits');

      // A goal submitted here counts in "Goals today" at once.
      const goalsToday = before.find((r) => r.resource === 'goals_per_day')!.used;
      await page.fill('[data-testid="goal-input"]', 'Say hello');
      await page.click('[data-testid="goal-submit"]');
      await page.waitForSelector(
        `[data-testid="quota-row"][data-resource="goals_per_day"] [data-used="${goalsToday + 1}"]`,
      );
      expect(
        await page
          .locator(
            '[data-testid="quota-row"][data-resource="goals_per_day"] [data-testid="quota-usage"]',
          )
          .textContent(),
      ).toBe(`${goalsToday + 1} · unlimited`);
      await page.locator('[data-testid="goal-detail"][data-status="completed"]').waitFor({
        timeout: 60000,
      });
    });

    it('shows a platform administrator the workers: status badge, load bar, capabilities, heartbeat', async () => {
      // Embedded: the API process is the registry's one entry.
      const row = page.locator('[data-testid="worker-row"]');
      await row.waitFor();
      expect(await row.count()).toBe(1);
      const [worker] = (await api.get('/api/v1/workers')).body.items as Array<{ id: string }>;
      expect(await row.getAttribute('data-worker-id')).toBe(worker.id);
      expect(await row.locator('[data-testid="worker-status"]').textContent()).toMatch(
        /^(IDLE|BUSY)$/,
      );
      const meter = row.locator('[data-testid="worker-load"]');
      expect(await meter.getAttribute('max')).toBe('100');
      expect(await meter.getAttribute('title')).toMatch(/^\d+\/100 goal jobs$/);
      expect(await row.textContent()).toContain('goal_execution');
      expect(await row.textContent()).toContain('llm:offline/heuristic');
      expect(await row.locator('[data-testid="worker-heartbeat"]').textContent()).toMatch(
        /^\d+(\.\d)? s ago$/,
      );
    });

    it('toggles the theme and saves a screenshot', async () => {
      const html = page.locator('html');
      expect(await html.getAttribute('data-theme')).toBe('dark');
      const darkBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      await page.click('[data-testid="theme-toggle"]');
      expect(await html.getAttribute('data-theme')).toBe('light');
      const lightBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(lightBg).not.toBe(darkBg);
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'dashboard-light.png'), fullPage: true });
      await page.click('[data-testid="theme-toggle"]');
      expect(await html.getAttribute('data-theme')).toBe('dark');
      await page.screenshot({ path: join(OUTPUT, 'dashboard-dark.png'), fullPage: true });
    });

    it('reconnects after the socket drops and receives what it missed', async () => {
      const drop = () =>
        page.evaluate(
          "window.avDashboard.socket() && window.avDashboard.socket().close(4000, 'network lost (test)')",
        );
      await drop();
      await page.waitForSelector('[data-testid="connection"]:not(:text("live"))');
      // Submitted while the page is offline: it must arrive through the resume.
      const goalId = (await api.post('/api/v1/goals', { goal: 'Say hello' })).body.goal_id;
      await waitFor(
        async () => (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'completed',
      );
      await page.waitForSelector('[data-testid="connection"]:text("live")', { timeout: 30000 });
      await page
        .locator(`[data-testid="log"] li[data-event="goal.completed"][data-goal-id="${goalId}"]`)
        .waitFor();
      expect(
        await page
          .locator(`[data-testid="log"] li[data-event="goal.created"][data-goal-id="${goalId}"]`)
          .count(),
      ).toBe(1);
      await page.locator(`#goals-recent [data-goal-id="${goalId}"]`).waitFor();
    });

    it('searches the audit log, shows an entry, verifies the chain and exports CSV', async () => {
      // Audit writes are batched (about every 100 ms): wait until the earlier tests' are stored.
      const total = async (query: string): Promise<number> =>
        (await api.get(`/api/v1/audit?limit=1&${query}`)).body.total;
      await waitFor(async () => (await total('categories=AUTHENTICATION')) >= 2, {
        what: 'the sign-ins to be audited',
      });
      await waitFor(async () => (await total('categories=DATA_MUTATION')) >= 1, {
        what: 'the goals submitted to be audited',
      });

      await page.click('[data-testid="audit-open"]');
      await page.waitForSelector('[data-testid="audit"][open]');
      const rows = page.locator('[data-testid="audit-row"]');
      await rows.first().waitFor();
      expect(await page.textContent('[data-testid="audit-page"]')).toMatch(/^1–\d+ of \d+$/);
      const rowCategories = () =>
        rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-category')));
      expect((await rowCategories()).length).toBeGreaterThan(0);

      // Only AUTHENTICATION entries: the wrong password and the sign-in among them.
      await page.check('[data-testid="audit-categories"] input[value="AUTHENTICATION"]');
      await page.click('[data-testid="audit-apply"]');
      const authTotal = await total('categories=AUTHENTICATION');
      await waitFor(
        async () =>
          (await page.textContent('[data-testid="audit-page"]')) ===
          `1–${Math.min(authTotal, 25)} of ${authTotal}`,
        { what: 'the filtered page' },
      );
      const categories = await rowCategories();
      expect(categories.length).toBe(Math.min(authTotal, 25));
      expect(new Set(categories)).toEqual(new Set(['AUTHENTICATION']));
      const outcomes = await rows.evaluateAll((trs) =>
        trs.map((tr) => tr.getAttribute('data-outcome')),
      );
      expect(outcomes).toContain('FAILURE');
      expect(outcomes).toContain('SUCCESS');

      // An entry's details beside the list.
      const first = rows.first();
      const id = await first.getAttribute('data-id');
      await first.click();
      const detail = page.locator(`[data-testid="audit-detail"][data-id="${id}"]`);
      await detail.waitFor();
      const entry = (await api.get(`/api/v1/audit/${id}`)).body;
      expect(await page.textContent('#audit-detail-heading')).toBe(entry.event_type);
      expect(await page.textContent('[data-testid="audit-detail-hash"]')).toBe(entry.hash);
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse((await page.textContent('[data-testid="audit-detail-details"]'))!)).toEqual(
        entry.details ?? {},
      );
      expect(await page.textContent('[data-testid="audit-detail-facts"]')).toContain(entry.id);

      // The hash chain is intact.
      await page.click('[data-testid="audit-verify"]');
      const verdict = page.locator('[data-testid="audit-verify-result"][data-valid]');
      await verdict.waitFor();
      expect(await verdict.getAttribute('data-valid')).toBe('true');
      expect(await verdict.textContent()).toMatch(/^Chain intact: \d+ entries/);

      // Export with the same filter: a CSV file, its first line the header.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid="audit-export-csv"]'),
      ]);
      expect(download.suggestedFilename()).toMatch(/^audit-[0-9a-f-]{36}\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.trim().split('\n');
      expect(lines[0] + '\n').toBe(CSV_HEADER);
      const records = lines.filter((l) => /^[0-9a-f-]{36},/.test(l));
      expect(records.length).toBeGreaterThanOrEqual(authTotal);
      expect(new Set(records.map((l) => l.split(',')[4]))).toEqual(new Set(['AUTHENTICATION']));
      expect(await page.textContent('[data-testid="audit-msg"]')).toBe('');

      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, 'dashboard-audit.png') });
      await page.click('#audit-close');
    });

    it('loads nothing from outside the API (works offline)', () => {
      expect((page as unknown as { external: string[] }).external).toEqual([]);
    });

    it('runs under its Content-Security-Policy without a single violation or script error', async () => {
      const res = await page.goto(app.baseUrl + '/');
      expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
      await page.waitForSelector('[data-testid="connection"]:text("live")');
      await page.click('[data-testid="settings-open"]');
      await page.waitForSelector('[data-testid="settings"][open]');
      await page.click('#settings-cancel');
      // everything this page did since the first test: sign-in, live goals, theme, reconnect
      expect(policyViolations).toEqual([]);
      expect(pageErrors).toEqual([]);

      // The watch itself works: an injected inline script is refused and reported.
      await page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' }))",
      );
      await waitFor(() => policyViolations.some((v) => v.startsWith('script-src')), {
        what: 'the injected inline script to be reported',
      });
      expect(await page.evaluate('window.inlineRan')).toBeUndefined();
    });
  });

  describe('in a FREE tenant', () => {
    let other: BrowserContext;
    const pageErrors: string[] = [];

    afterAll(async () => {
      await other?.close();
    });

    it('shows its finite quotas as bars, warning near the limit, and its API-calls rate limit', async () => {
      const created = await api.post('/api/v1/tenants', {
        slug: 'small-shop',
        name: 'Small Shop',
        tier: 'FREE',
        owner_email: 'owner@small-shop.example',
        // five goals a day, so four make 80 %; enough API calls for the dashboard itself
        quotas: { goals_per_day: 5, api_calls_per_minute: 600 },
      });
      expect(created.status).toBe(201);
      const tenantId: string = created.body.id;
      const inTenant = api.inTenant(tenantId);
      // The owner has no password: an operator with one signs in to the dashboard.
      await new Principals(new ApiClient(app.baseUrl), inTenant).createUser(
        'operator@small-shop.example',
        'operator',
      );
      for (let i = 0; i < 4; i++)
        expect((await inTenant.post('/api/v1/goals', { goal: `Say hello ${i}` })).status).toBe(202);

      other = await launchChromium({ width: 1400, height: 1100 });
      const page = await other.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(app.baseUrl + '/');
      await page.waitForSelector('[data-testid="login"]:visible');
      // The sign-in form has no tenant field: sign in to this tenant the way a portal would,
      // with the tenant's slug, and let the cookie carry the session.
      const status = await page.evaluate(
        async ([email, password]) =>
          (
            await fetch('/api/v1/auth/login', {
              method: 'POST',
              credentials: 'include',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email, password, tenant: 'small-shop' }),
            })
          ).status,
        ['operator@small-shop.example', PASSWORD],
      );
      expect(status).toBe(200);
      await page.reload();
      await page.waitForSelector('[data-testid="connection"]:text("live")');
      await page.waitForSelector('[data-testid="quota-row"]');

      expect(await page.textContent('[data-testid="tenant-name"]')).toBe('Small Shop');
      // an operator is no platform administrator: no workers panel
      expect(await page.locator('[data-testid="workers-panel"]').isHidden()).toBe(true);
      expect(await page.textContent('[data-testid="tenant-tier"]')).toBe('FREE');
      const rows = Object.fromEntries(
        (await quotaRows(page)).map((r) => [String(r.resource), r] as const),
      );
      expect(Object.keys(rows)).toEqual(Object.keys(QUOTA_LABELS));
      expect(rows.goals_per_day).toMatchObject({
        label: 'Goals today',
        usage: '4 / 5',
        level: 'warn',
        meter: { value: 80, max: 100, low: 80 },
        foot: '1 left · resets 00:00 UTC',
      });
      expect(rows.tokens_per_day.usage).toMatch(/^[\d,]+ \/ 10,000$/);
      expect(rows.agents.usage).toMatch(/^\d+ \/ 3$/);
      expect(rows.storage_mb).toMatchObject({ usage: '0 / 100', level: 'ok' });
      expect(rows.storage_mb.meter?.value).toBe(0);
      expect(rows.api_calls_per_minute.usage).toMatch(/^\d+ \/ 600$/);
      expect(rows.api_calls_per_minute.foot).toMatch(/ left · resets \d\d:\d\d UTC$/);
      for (const row of Object.values(rows)) expect(row.meter).not.toBeNull();
      // 80 % used: the usage reads in the theme's warning colour; a used-up quota in its error colour.
      const usageColour = (resource: string): Promise<string> =>
        page.evaluate(
          `getComputedStyle(document.querySelector('[data-resource="${resource}"] [data-testid="quota-usage"]')).color`,
        );
      const themeColour = (variable: string): Promise<string> =>
        page.evaluate(`(() => {
          const probe = document.body.appendChild(document.createElement('span'));
          probe.style.color = 'var(${variable})';
          const colour = getComputedStyle(probe).color;
          probe.remove();
          return colour;
        })()`);
      expect(await usageColour('goals_per_day')).toBe(await themeColour('--warn'));
      expect(await usageColour('storage_mb')).toBe(await themeColour('--fg'));

      const limits = await page
        .locator('[data-testid="rate-limit-row"]')
        .evaluateAll((rows) =>
          rows.map((r) =>
            Array.from(
              r.querySelectorAll('td'),
              (td: { textContent: string | null }) => td.textContent,
            ),
          ),
        );
      expect(limits).toContainEqual([
        'quota-api-calls-per-minute',
        '600 per minute',
        'fixed window',
      ]);

      // The fifth goal uses the quota up: a full, red bar.
      await page.fill('[data-testid="goal-input"]', 'Say goodbye');
      await page.click('[data-testid="goal-submit"]');
      await page.waitForSelector('[data-resource="goals_per_day"][data-level="full"]');
      expect(
        await page.textContent('[data-resource="goals_per_day"] [data-testid="quota-usage"]'),
      ).toBe('5 / 5');
      expect(await usageColour('goals_per_day')).toBe(await themeColour('--err'));

      // An operator may not read the audit log: the Audit page says which permission it needs.
      await page.click('[data-testid="audit-open"]');
      await page.waitForSelector('[data-testid="audit-msg"]:not(:empty)');
      expect(await page.textContent('[data-testid="audit-msg"]')).toContain('audit:read');
      expect(await page.locator('[data-testid="audit-row"]').count()).toBe(0);
      await page.click('#audit-close');
      mkdirSync(OUTPUT, { recursive: true });
      await page.locator('[data-testid="tenant"]').screenshot({
        path: join(OUTPUT, 'dashboard-tenant-dark.png'),
      });
      await page.click('[data-testid="theme-toggle"]');
      await page.locator('[data-testid="tenant"]').screenshot({
        path: join(OUTPUT, 'dashboard-tenant-light.png'),
      });
      expect(pageErrors).toEqual([]);
    });
  });
});
