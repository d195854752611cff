import { join } from 'node:path';
import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
  waitFor,
} from '#testing';

const FIXTURES = join(__dirname, 'fixtures', 'plugins', 'hooks');
const HOOK_TIMEOUT_MS = 1000;

/**
 * Hook plugins loaded from PLUGINS_DIR on the embedded default: the example audit-hook
 * refuses goals with a configured word, and handlers that throw, hang or are slow leave
 * goals to complete while their failures show in /metrics.
 */
describe('plugin hooks (embedded)', () => {
  let app: AppProcess;
  let api: ApiClient;

  beforeAll(async () => {
    app = await startApp({
      env: {
        PLUGINS_DIR: FIXTURES,
        PLUGIN_AUDIT_HOOK_SETTINGS: JSON.stringify({
          refuse_words: ['forbidden'],
          reason: 'goals may not mention forbidden things',
        }),
        PLUGIN_HOOK_TIMEOUT_MS: String(HOOK_TIMEOUT_MS),
      },
    });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function finished(id: string) {
    return waitFor(
      async () => {
        const res = await api.get(`/api/v1/goals/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { what: `goal ${id} to finish` },
    );
  }

  async function hookFailures(plugin: string, reason: string): Promise<number> {
    const text = await (
      await fetch(`${app.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    return text
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('plugin_hook_failures_total{') &&
          line.includes(`plugin="${plugin}"`) &&
          line.includes(`reason="${reason}"`),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  it('refuses a goal the hook plugin cancels with 422 naming the plugin and its reason, and stores nothing', async () => {
    const before = await api.get('/api/v1/goals');
    const refused = await api.post('/api/v1/goals', {
      goal: 'Summarise the Forbidden archive',
    });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/goal-refused-by-plugin$/),
      plugin: 'audit-hook',
      reason: 'goals may not mention forbidden things ("forbidden")',
    });
    expect(refused.body.detail).toContain('audit-hook');
    expect(refused.body.detail).toContain('goals may not mention forbidden things');
    const after = await api.get('/api/v1/goals');
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('completes goals while handlers throw, hang past the limit or take their time, and counts the failures', async () => {
    const submitted = await api.post('/api/v1/goals', {
      goal: 'Research cats. Research dogs. Research birds.',
    });
    expect(submitted.status).toBe(202);
    const goal = await finished(submitted.body.goal_id);
    expect(goal.status).toBe('completed');

    expect(await hookFailures('throwing-hook', 'error')).toBeGreaterThanOrEqual(1);
    expect(await hookFailures('hanging-hook', 'timeout')).toBe(1);
    expect(await hookFailures('slow-hook', 'timeout')).toBe(0);
    expect(await hookFailures('audit-hook', 'error')).toBe(0);

    // the plugins are marked: the one that failed at each of the three tasks is degraded
    type View = { name: string; status: string; health: Record<string, unknown> };
    const plugins = (await api.get('/api/v1/plugins')).body.items as View[];
    const byName = (name: string) => plugins.find((p) => p.name === name)!;
    expect(byName('throwing-hook')).toMatchObject({
      status: 'DEGRADED',
      health: { degraded: true, failures_total: 3 },
    });
    expect(byName('hanging-hook')).toMatchObject({
      status: 'LOADED',
      health: { degraded: false, failures_total: 1 },
    });
    expect(byName('slow-hook')).toMatchObject({
      status: 'LOADED',
      health: { failures_total: 0 },
    });
  });
});
