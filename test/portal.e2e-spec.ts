import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { CSV_HEADER } from '../src/audit/audit-views';
import { launchChromium } from './support/chromium';
import {
  OUTPUT as OUTPUT_DIR,
  openFromNav,
  screenshot,
  submitPassword,
  waitSignedIn,
  watchPage,
  type PageWatch,
} from './support/portal';
import { PASSWORD, Principals } from './support/principals';
import { WsTestClient } from './support/ws-client';
import {
  ApiClient,
  AppProcess,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
} from '#testing';
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

describe('the admin portal', () => {
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
      // a number in a body is a JSON number: a string is refused, not read as one
      const text = await api.post('/dashboard/settings', { refresh_ms: '0x1f4' });
      expect(text.status).toBe(400);
      expect(text.body.errors).toEqual([
        { field: 'refresh_ms', message: 'must be an integer number' },
      ]);
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

      // live clients are counted per tenant: another tenant sees none of these
      const socket = await WsTestClient.connect(app.baseUrl, { 'x-api-key': TEST_ADMIN_API_KEY });
      try {
        expect((await socket.request('ping', {})).event).toBe('ack');
        expect((await api.get('/dashboard/stats')).body.ws_clients).toBeGreaterThanOrEqual(1);
        const other = await api.post('/api/v1/tenants', {
          name: 'Elsewhere',
          slug: `elsewhere-${Date.now()}`,
        });
        expect(other.status).toBe(201);
        const theirs = await api.inTenant(other.body.id).get('/dashboard/stats');
        expect([theirs.status, theirs.body.ws_clients]).toEqual([200, 0]);
      } finally {
        await socket.close();
      }

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
    let watch: PageWatch;
    let firstGoalId: string;

    beforeAll(async () => {
      page = await browser.newPage();
      watch = await watchPage(page, app.baseUrl);
    });

    it('signs in, submits a goal and watches it reach completed live, with its tasks and agent', async () => {
      await page.goto(app.baseUrl + '/');
      // nothing is shown without an identity: the sign-in comes first
      await submitPassword(page, TEST_ADMIN_EMAIL, 'not the password');
      await page.waitForSelector('[data-testid="login-error"]:not(:empty)');
      await page.fill('[data-testid="login-password"]', TEST_ADMIN_PASSWORD);
      await page.click('[data-testid="login-submit"]');
      await waitSignedIn(page);
      expect(await page.textContent('[data-testid="title"]')).toBe('Village Control');
      expect(await page.title()).toBe('Village Control');
      // A platform administrator sees every page of this part of the portal.
      for (const nav of [
        'overview',
        'goals',
        'approvals',
        'agents',
        'memory',
        'tools',
        'tenant',
        'audit',
        'settings',
        'workers',
        'account-sessions',
      ])
        expect(await page.isVisible(`[data-testid="nav-${nav}"]`)).toBe(true);

      await page.fill('[data-testid="goal-input"]', 'Research owls. Research bats. Compare them.');
      await page.click('[data-testid="goal-submit"]');
      const accepted = page.locator('[data-testid="goal-accepted"]');
      await accepted.waitFor();
      firstGoalId = (await accepted.getAttribute('data-goal-id'))!;
      expect(firstGoalId).toMatch(/^[0-9a-f-]{36}$/);
      await accepted.click();
      expect(new URL(page.url()).pathname).toBe(`/goals/${firstGoalId}`);
      // No reload: the WebSocket stream drives the page to the finished goal.
      const detail = page.locator(
        `[data-testid="goal-detail"][data-goal-id="${firstGoalId}"][data-status="completed"]`,
      );
      await detail.waitFor({ timeout: 60000 });

      const tasks = (await api.get(`/api/v1/goals/${firstGoalId}/tasks`)).body.items as Array<{
        key: string;
      }>;
      expect(tasks.length).toBeGreaterThanOrEqual(3);
      await waitFor(
        async () =>
          (await page.locator('[data-testid="task-row"][data-status="completed"]').count()) ===
          tasks.length,
        {
          what: 'every task row completed',
        },
      );
      const agents = await page.locator('[data-testid="task-agent"]').allTextContents();
      expect(agents.every((a) => /tool_agent · \S+/.test(a))).toBe(true);
      expect(await page.locator('[data-testid="task-graph"] g[data-task-key]').count()).toBe(
        tasks.length,
      );
      expect((await page.textContent('[data-testid="goal-result"]'))?.length).toBeGreaterThan(0);
      await screenshot(page, 'portal-goal-detail.png');

      // Back to the overview with the browser's back button: the goal there, finished.
      await page.goBack();
      await page.waitForSelector('[data-testid="overview"]');
      expect(
        await page
          .locator(
            `[data-testid="goals-recent"] [data-goal-id="${firstGoalId}"] [data-testid="goal-status"]`,
          )
          .textContent(),
      ).toBe('completed');
      await page.locator('[data-testid="agent-row"]').first().waitFor();
      expect(await page.locator('[data-testid="stat-goals"]').textContent()).toMatch(/^\d+$/);
      // The live log shows this goal's events as they happened.
      await page
        .locator(
          `[data-testid="log"] li[data-event="goal.completed"][data-goal-id="${firstGoalId}"]`,
        )
        .waitFor();
      expect(
        await page
          .locator(
            `[data-testid="log"] li[data-event="goal.created"][data-goal-id="${firstGoalId}"]`,
          )
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

    it('lists goals with the status filter and search in the address, and opens deep links', async () => {
      await openFromNav(page, 'nav-goals');
      await page.locator('[data-testid="goal-row"]').first().waitFor();
      await page.selectOption('[data-testid="goals-status"]', 'failed');
      await page.waitForURL((url) => url.searchParams.get('status') === 'failed');
      await page.waitForSelector('[data-testid="goals-table"] td:has-text("no matching goals")');
      await page.goBack();
      await page.waitForURL((url) => !url.searchParams.has('status'));
      await page.locator(`[data-testid="goal-row"][data-goal-id="${firstGoalId}"]`).waitFor();

      // A shared address opens the same view, filters set.
      await page.goto(`${app.baseUrl}/goals?status=completed&q=owls`);
      await waitSignedIn(page);
      expect(await page.inputValue('[data-testid="goals-status"]')).toBe('completed');
      expect(await page.inputValue('[data-testid="goals-search"]')).toBe('owls');
      const rows = page.locator('[data-testid="goal-row"]');
      await rows.first().waitFor();
      expect(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-goal-id'))),
      ).toEqual([firstGoalId]);
      await page.goto(`${app.baseUrl}/goals/${firstGoalId}`);
      await page.locator(`[data-testid="goal-detail"][data-goal-id="${firstGoalId}"]`).waitFor();
      await page.goto(`${app.baseUrl}/`);
      await waitSignedIn(page);
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
      const goalId = await page
        .locator('[data-testid="goal-accepted"]')
        .getAttribute('data-goal-id');
      await page
        .locator(`[data-testid="goals-recent"] [data-goal-id="${goalId}"][data-status="completed"]`)
        .waitFor({ timeout: 60000 });
    });

    it('shows a platform administrator the workers: status badge, load bar, capabilities, heartbeat', async () => {
      await openFromNav(page, 'nav-workers');
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
      expect(await meter.getAttribute('title')).toMatch(/^\d+\/200 goal jobs$/);
      expect(await row.textContent()).toContain('goal_execution');
      expect(await row.textContent()).toContain('llm:offline/heuristic');
      expect(await row.locator('[data-testid="worker-heartbeat"]').textContent()).toMatch(
        /^\d+(\.\d)? s ago$/,
      );
      await screenshot(page, 'portal-workers.png');
      await openFromNav(page, 'nav-overview');
    });

    it('toggles the theme and saves a screenshot', async () => {
      const html = page.locator('html');
      expect(await html.getAttribute('data-theme')).toBe('dark');
      const darkBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      await page.click('[data-testid="theme-toggle"]');
      expect(await html.getAttribute('data-theme')).toBe('light');
      const lightBg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
      expect(lightBg).not.toBe(darkBg);
      await screenshot(page, 'portal-light.png');
      await page.click('[data-testid="theme-toggle"]');
      expect(await html.getAttribute('data-theme')).toBe('dark');
      await screenshot(page, 'portal-dark.png');
    });

    it('reconnects after the socket drops and receives what it missed', async () => {
      const drop = () =>
        page.evaluate(
          "window.avPortal.socket() && window.avPortal.socket().close(4000, 'network lost (test)')",
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
      await page.locator(`[data-testid="goals-recent"] [data-goal-id="${goalId}"]`).waitFor();
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

      await openFromNav(page, 'nav-audit');
      const rows = page.locator('[data-testid="audit-row"]');
      await rows.first().waitFor();
      expect(await page.textContent('[data-testid="audit-page-text"]')).toMatch(/^1–\d+ of \d+$/);
      const rowCategories = () =>
        rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-category')));
      expect((await rowCategories()).length).toBeGreaterThan(0);

      // Only AUTHENTICATION entries: the wrong password and the sign-in among them.
      await page.check('[data-testid="audit-categories"] input[value="AUTHENTICATION"]');
      await page.click('[data-testid="audit-apply"]');
      await page.waitForURL((url) => url.searchParams.get('categories') === 'AUTHENTICATION');
      const authTotal = await total('categories=AUTHENTICATION');
      await waitFor(
        async () =>
          (await page.textContent('[data-testid="audit-page-text"]')) ===
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

      // An entry's details beside the list, by keyboard.
      const first = rows.first();
      const id = await first.getAttribute('data-id');
      await first.focus();
      await page.keyboard.press('Enter');
      const detail = page.locator(`[data-testid="audit-detail"][data-id="${id}"]`);
      await detail.waitFor();
      const entry = (await api.get(`/api/v1/audit/${id}`)).body;
      expect(await page.textContent('[data-testid="audit-detail-heading"]')).toBe(entry.event_type);
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
      await screenshot(page, 'portal-audit.png', false);

      // The filter lives in the address: back leaves it, the box unticks.
      await page.goBack();
      await page.waitForURL((url) => !url.searchParams.has('categories'));
      // the page reads the address after it changes: the box follows a render later
      await waitFor(
        async () =>
          !(await page.isChecked(
            '[data-testid="audit-categories"] input[value="AUTHENTICATION"]',
          )) || undefined,
        { what: 'the category box to untick' },
      );
    });

    it('loads nothing from outside the API (works offline)', () => {
      expect(watch.external).toEqual([]);
    });

    it('runs under its Content-Security-Policy without a single violation or script error', async () => {
      const res = await page.goto(app.baseUrl + '/');
      expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
      await waitSignedIn(page);
      for (const nav of [
        'nav-settings',
        'nav-tenant',
        'nav-agents',
        'nav-tools',
        'nav-approvals',
        'nav-account-sessions',
      ])
        await openFromNav(page, nav);
      await page.waitForSelector('[data-testid="sessions-list"] [data-testid="session-row"]');
      // everything this page did since the first test: sign-in, live goals, theme, reconnect, every page
      expect(watch.policyViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);

      // The watch itself works: an injected inline script is refused and reported.
      await page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' }))",
      );
      await waitFor(() => watch.policyViolations.some((v) => v.startsWith('script-src')), {
        what: 'the injected inline script to be reported',
      });
      expect(await page.evaluate('window.inlineRan')).toBeUndefined();
    });
  });

  describe('in a FREE tenant', () => {
    let other: BrowserContext;

    afterAll(async () => {
      await other?.close();
    });

    it('shows its finite quotas as bars, warning near the limit, and hides what an operator may not do', async () => {
      const created = await api.post('/api/v1/tenants', {
        slug: 'small-shop',
        name: 'Small Shop',
        tier: 'FREE',
        owner_email: 'owner@small-shop.example',
        // five goals a day, so four make 80 %; enough API calls for the portal itself
        quotas: { goals_per_day: 5, api_calls_per_minute: 600 },
      });
      expect(created.status).toBe(201);
      const tenantId: string = created.body.id;
      const inTenant = api.inTenant(tenantId);
      // The owner has no password: an operator with one signs in to the portal.
      await new Principals(new ApiClient(app.baseUrl), inTenant).createUser(
        'operator@small-shop.example',
        'operator',
      );
      for (let i = 0; i < 4; i++)
        expect((await inTenant.post('/api/v1/goals', { goal: `Say hello ${i}` })).status).toBe(202);

      other = await launchChromium({ width: 1400, height: 1100 });
      const page = await other.newPage();
      const watch = await watchPage(page, app.baseUrl);
      await page.goto(app.baseUrl + '/');
      // The organization's slug in the sign-in form.
      await page.fill('[data-testid="login-tenant"]', 'small-shop');
      await submitPassword(page, 'operator@small-shop.example', PASSWORD);
      await waitSignedIn(page);
      await page.waitForSelector('[data-testid="quota-row"]');

      expect(await page.textContent('[data-testid="tenant-name"]')).toBe('Small Shop');
      // an operator is no platform administrator nor auditor: no such pages in the navigation
      for (const nav of ['workers', 'audit', 'settings'])
        expect(await page.locator(`[data-testid="nav-${nav}"]`).count()).toBe(0);
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
      // A sixth is refused, and the form shows the problem's detail.
      await page.fill('[data-testid="goal-input"]', 'One too many');
      await page.click('[data-testid="goal-submit"]');
      await page.waitForSelector('[data-testid="goal-form-msg"]:has-text("rejected")');

      await screenshot(page, 'portal-tenant-dark.png', false);
      await page.click('[data-testid="theme-toggle"]');
      await page.locator('[data-testid="tenant"]').screenshot({
        path: `${OUTPUT_DIR}/portal-tenant-light.png`,
      });

      // An operator may not read the audit log: the page says which permission it needs,
      // and the API refuses it anyway.
      await page.goto(app.baseUrl + '/audit');
      await page.waitForSelector('[data-testid="forbidden"]');
      expect(await page.textContent('[data-testid="forbidden"]')).toContain('audit:read');
      expect(await page.locator('[data-testid="audit-row"]').count()).toBe(0);
      const refused = await page.evaluate(async () => (await fetch('/api/v1/audit')).status);
      expect(refused).toBe(403);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.policyViolations).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);
    });
  });
});
