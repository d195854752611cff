import {
  ApiClient,
  AppProcess,
  goalFinished,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';
import { isCall, liveTaskView, scriptOneTaskGoal, STREAMED_ANSWER } from './support/live-output';
import { WsTestClient } from './support/ws-client';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { screenshot, signIn, watchPage } from './support/portal';
import { PASSWORD, Principals } from './support/principals';

interface TaskView {
  id: string;
  output: { text: string };
  usage: Record<string, number>;
}

/**
 * A running task's answer reaches the goal's WebSocket clients while the model writes it
 * (embedded mode, the real OpenAI client against a scripted server that streams).
 */
describe('live task output on the embedded default', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let api: ApiClient;
  const clients: WsTestClient[] = [];

  const taskOf = async (goalId: string): Promise<TaskView> =>
    (await api.get(`/api/v1/goals/${goalId}/tasks`)).body.items[0];
  const finished = (goalId: string) =>
    goalFinished(() => api.get(`/api/v1/goals/${goalId}`), { what: `goal ${goalId}` });

  beforeAll(async () => {
    await llm.start();
    app = await startApp({
      env: {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: llm.baseUrl,
        LLM_MODEL: 'gpt-4o-mini',
        LLM_API_KEY: 'test-key',
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app?.stop();
    await llm.stop();
  });

  it('streams the answer as deltas, then one task.completed; stored result and usage as without a follower', async () => {
    const client = await WsTestClient.connect(app.baseUrl);
    clients.push(client);
    scriptOneTaskGoal(llm, 'LIVE-WATCHED');
    const ack = await client.request('goal.submit', {
      goal: 'LIVE-WATCHED: compare the Rhine, the Elbe and the Danube',
    });
    const goalId = ack.data.goal_id as string;
    const goal = await finished(goalId);
    expect(goal.status).toBe('completed');
    const task = await taskOf(goalId);
    await waitFor(() => client.events(goalId).some((e) => e.event === 'goal.completed'), {
      what: 'goal.completed on the socket',
    });

    const seen = liveTaskView(client, task.id);
    expect(seen.deltas.length).toBeGreaterThanOrEqual(2);
    // not goal events: no event id, so a resume never asks for them
    expect(seen.deltas.every((d) => d.id === undefined)).toBe(true);
    expect(seen.deltas[0].data).toMatchObject({ goal_id: goalId, task_key: 'compare', turn: 0 });
    expect(seen.text).toBe(STREAMED_ANSWER);
    expect(task.output.text).toBe(STREAMED_ANSWER);
    expect(seen.completions).toHaveLength(1);
    expect(seen.completedAt).toBeGreaterThan(seen.lastDeltaAt);
    // the event log the client holds is still exactly the goal's log
    const log = (await api.get(`/api/v1/goals/${goalId}/events?limit=1000`)).body.items;
    expect(client.events(goalId).map((e) => e.id)).toEqual(log.map((e: { id: number }) => e.id));

    const [call] = llm.chatRequests().filter((r) => isCall('tool_agent', 'LIVE-WATCHED')(r.body));
    expect(call.body.stream).toBe(true);

    // the same script with nobody following the goal: a whole answer, and the same records
    // (other words, so memory does not reuse the first goal's plan instead of planning)
    scriptOneTaskGoal(llm, 'LIVE-UNWATCHED');
    const quiet = (
      await api.post('/api/v1/goals', {
        goal: 'LIVE-UNWATCHED: summarise quarterly invoices by supplier',
      })
    ).body.goal_id as string;
    const quietGoal = await finished(quiet);
    const quietTask = await taskOf(quiet);
    const [quietCall] = llm
      .chatRequests()
      .filter((r) => isCall('tool_agent', 'LIVE-UNWATCHED')(r.body));
    expect(quietCall.body.stream).toBeFalsy();
    expect(quietTask.output).toEqual(task.output);
    expect(quietTask.usage).toEqual(task.usage);
    expect(quietGoal.usage).toEqual(goal.usage);
    expect(goal.usage).toMatchObject({ llm_calls: 4, prompt_tokens: 480, completion_tokens: 160 });
  });

  it('shows the answer growing under the running task in the portal, then the stored output', async () => {
    const principals = new Principals(new ApiClient(app.baseUrl), api);
    await principals.createUser('live.watcher@example.test', 'operator');
    let browser: BrowserContext | undefined;
    try {
      browser = await launchChromium({ width: 1300, height: 900 });
      const page = await browser.newPage();
      const watch = await watchPage(page, app.baseUrl);
      await signIn(page, app.baseUrl, 'live.watcher@example.test', PASSWORD);
      // two seconds of writing: the page samples it several times
      scriptOneTaskGoal(llm, 'LIVE-PORTAL', { chunks: 20, chunkDelayMs: 100 });
      const goalId = (
        await api.post('/api/v1/goals', { goal: 'LIVE-PORTAL: contrast three alpine passes' })
      ).body.goal_id as string;
      // within the page (a reload would drop the socket that makes the task stream)
      await page.evaluate(
        `history.pushState(null, '', '/goals/${goalId}'); dispatchEvent(new PopStateEvent('popstate'))`,
      );
      await page.waitForSelector(`[data-testid="goal-detail"][data-goal-id="${goalId}"]`);

      const seen: string[] = [];
      const deadline = Date.now() + 30_000;
      for (;;) {
        const writing = await page
          .locator('[data-testid="task-live-output"]')
          .first()
          .textContent({ timeout: 50 })
          .catch(() => null);
        const status = await page.getAttribute('[data-testid="task-row"]', 'data-status');
        if (writing && writing !== seen[seen.length - 1]) {
          seen.push(writing);
          if (seen.length === 2) await screenshot(page, 'portal-live-output.png');
        }
        if (status === 'completed') break;
        if (Date.now() > deadline) throw new Error(`the task is still ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      // the text grew while the task ran, each time continuing the answer
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < seen.length; i++)
        expect(seen[i].length).toBeGreaterThan(seen[i - 1].length);
      expect(seen.every((text) => STREAMED_ANSWER.startsWith(text))).toBe(true);
      // once done: the stored output in the task's row, the live text gone
      await page.waitForSelector('[data-testid="task-live-output"]', { state: 'detached' });
      expect(await page.textContent('[data-testid="task-row"] .out')).toContain('three rivers');
      expect(watch.policyViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
