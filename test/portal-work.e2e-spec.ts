import type { BrowserContext, Page } from 'playwright-core';
import {
  ApiClient,
  AppProcess,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  waitFor,
} from '#testing';
import { launchChromium } from './support/chromium';
import { scriptHeldDelete } from './support/held-delete-script';
import { openFromNav, screenshot, signIn, watchPage, type PageWatch } from './support/portal';

/**
 * The portal's work pages, each through its main action against the real product: the
 * approvals inbox approves a held tool call (and the goal then completes), memory search
 * finds a stored memory, the tools page lists the registry, the agents page the agent
 * that ran.
 */
describe('the portal work pages', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  let browser: BrowserContext;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    await llm.start();
    scriptHeldDelete(llm, '[portal:approve]');
    app = await startApp({
      env: {
        ...llm.singleAttemptEnv(),
        DASHBOARD_REFRESH_MS: '1000',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    browser = await launchChromium({ width: 1300, height: 900 });
    page = await browser.newPage();
    watch = await watchPage(page, app.baseUrl);
    await signIn(page, app.baseUrl, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await llm.stop();
  });

  afterEach(() => {
    expect(watch.policyViolations.splice(0)).toEqual([]);
    expect(watch.pageErrors.splice(0)).toEqual([]);
    expect(watch.consoleErrors.splice(0)).toEqual([]);
  });

  it('approves a held tool call from the approvals inbox, and the goal completes', async () => {
    const goalId = (
      await api.post('/api/v1/goals', { goal: '[portal:approve] Tidy the workspace' })
    ).body.goal_id as string;
    await waitFor(
      async () =>
        (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'awaiting_approval' || undefined,
      { what: 'the goal to wait for an approval' },
    );
    await openFromNav(page, 'nav-approvals');
    const held = page.locator(`[data-testid="approval-goal"][data-goal-id="${goalId}"]`);
    // The goal's row shows before its pending approvals are read: wait for the approval itself.
    const pending = held.locator('[data-testid="approval"][data-status="pending"]');
    await pending.waitFor();
    expect(await pending.textContent()).toContain('delete_file');
    await screenshot(page, 'portal-approvals.png');
    await held.locator('[data-testid="approval-approve"]').first().click();
    await waitFor(
      async () =>
        (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'completed' || undefined,
      { what: 'the approved goal to complete' },
    );
    const approvals = (await api.get(`/api/v1/goals/${goalId}/approvals`)).body.items as Array<{
      status: string;
    }>;
    expect(approvals.map((a) => a.status)).toEqual(['approved']);
    await held.waitFor({ state: 'detached' });
  });

  it('finds a stored memory by searching, lists the tools and the agent that ran', async () => {
    const stored = await api.post('/api/v1/memory', {
      type: 'semantic',
      content: 'The billing service retries failed card payments three times',
    });
    expect(stored.status).toBe(201);
    await openFromNav(page, 'nav-memory');
    await page.fill('[data-testid="memory-query"]', 'billing retries card payments');
    await page.click('[data-testid="memory-search"]');
    await page.locator(`[data-testid="memory-hit"][data-memory-id="${stored.body.id}"]`).waitFor();
    await page.waitForURL((url) => url.searchParams.get('q') === 'billing retries card payments');
    await screenshot(page, 'portal-memory.png');

    await openFromNav(page, 'nav-tools');
    const tools = (await api.get('/api/v1/tools')).body.items as Array<{ name: string }>;
    await page.locator('[data-testid="tool-row"][data-tool="delete_file"]').waitFor();
    expect(await page.locator('[data-testid="tool-row"]').count()).toBe(tools.length);
    await screenshot(page, 'portal-tools.png');

    await openFromNav(page, 'nav-agents');
    await page.locator('[data-testid="agent-row"]').first().waitFor();
    expect(await page.textContent('[data-testid="agents"]')).toContain('tool_agent');
    await screenshot(page, 'portal-agents.png');
  });
});
