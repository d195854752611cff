import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiClient,
  AppProcess,
  freePort,
  startApp,
  waitFor,
  TEST_ADMIN_API_KEY,
  TEST_METRICS_AUTH,
  TEST_METRICS_TOKEN,
} from '#testing';
import {
  metricNamesInQuery,
  SEED_METRIC_NAMES,
  WORKER_REGISTRY_METRIC_NAMES,
} from '../src/metrics/metric-names';

const DASHBOARDS = join(__dirname, '..', 'docker', 'grafana', 'dashboards');

interface GrafanaPanel {
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: GrafanaPanel[];
}

function dashboardQueries(): Array<{ dashboard: string; panel: string; expr: string }> {
  const out: Array<{ dashboard: string; panel: string; expr: string }> = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
      title: string;
      panels: GrafanaPanel[];
    };
    const walk = (panels: GrafanaPanel[]) => {
      for (const panel of panels) {
        for (const t of panel.targets ?? [])
          out.push({ dashboard: dashboard.title, panel: panel.title, expr: t.expr });
        walk(panel.panels ?? []);
      }
    };
    walk(dashboard.panels);
  }
  return out;
}

/** Metric families announced by a Prometheus text exposition (`# TYPE name kind`). */
function exported(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
}

describe('Prometheus metrics and the Grafana dashboards', () => {
  let app: AppProcess;
  let worker: AppProcess | undefined;
  let api: ApiClient;

  beforeAll(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  });

  afterAll(async () => {
    await worker?.stop();
    await app?.stop();
  });

  it('ships the three dashboards of the seed', () => {
    const titles = readdirSync(DASHBOARDS)
      .filter((f) => f.endsWith('.json'))
      .map(
        (f) => (JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as { title: string }).title,
      )
      .sort();
    expect(titles).toEqual([
      'Agent Village — Goals & Agents',
      'Agent Village — Overview',
      'Agent Village — Workers',
    ]);
  });

  it('exports every seed metric and every metric the dashboards query, fed by a real goal', async () => {
    const goalId = (await api.post('/api/v1/goals', { goal: 'Research cats. Research dogs.' })).body
      .goal_id;
    await waitFor(
      async () => (await api.get(`/api/v1/goals/${goalId}`)).body.status === 'completed',
      {
        what: 'goal to complete',
      },
    );
    const res = await fetch(`${app.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const names = exported(text);

    const missingSeed = SEED_METRIC_NAMES.filter((n) => !names.has(n));
    expect(missingSeed).toEqual([]);
    // the embedded process is the registry's one entry
    expect(WORKER_REGISTRY_METRIC_NAMES.filter((n) => !names.has(n))).toEqual([]);
    expect(text).toMatch(/^worker_active_jobs\{worker_id="[^"]+-\d+-[0-9a-f]{8}"\} \d+$/m);

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    const missing = queries.flatMap((q) =>
      metricNamesInQuery(q.expr)
        .filter((n) => !names.has(n))
        .map((n) => `${q.dashboard} / ${q.panel}: ${n}`),
    );
    expect(missing).toEqual([]);

    // The goal fed the lifecycle metrics from the event bus.
    expect(Number(/^goal_created_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^goal_completed_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^agent_spawn_total\{agent_kind="[a-z_]+"\} [1-9]/m);
    expect(text).toMatch(/^worker_tasks_total\{status="completed"\} [1-9]/m);
    expect(text).toMatch(
      /^llm_tokens_total\{provider="offline",model="heuristic",kind="prompt"\} 0/m,
    );
  });

  it('labels HTTP metrics with route templates, never raw paths', async () => {
    for (let i = 0; i < 3; i++)
      await api.get(`/api/v1/goals/01900000-0000-7000-8000-00000000000${i}`);
    await api.get('/no/such/path/abc');
    const text = await (
      await fetch(`${app.baseUrl}/metrics`, { headers: TEST_METRICS_AUTH })
    ).text();
    const routes = new Set(
      [...text.matchAll(/^http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]),
    );
    expect(routes).toContain('/api/v1/goals/:id');
    expect(routes).toContain('unmatched');
    for (const route of routes) expect(route).not.toMatch(/[0-9a-f]{8}-|abc/);
    expect(text).toMatch(
      /^http_requests_total\{method="GET",route="\/api\/v1\/goals\/:id",status_code="404"\} 3$/m,
    );
  });

  it('refuses /metrics without the metrics token, or with another credential', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${TEST_METRICS_TOKEN}x` },
      { authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
      { 'x-api-key': TEST_ADMIN_API_KEY },
      { authorization: `Basic ${Buffer.from(`x:${TEST_METRICS_TOKEN}`).toString('base64')}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${app.baseUrl}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.text()).not.toMatch(/goal_created_total/);
    }
  });

  it('a worker serves the same metrics on WORKER_METRICS_PORT, behind the same token', async () => {
    const port = await freePort();
    worker = await startApp({ entry: 'worker', env: { WORKER_METRICS_PORT: String(port) } });
    const refused = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: TEST_METRICS_AUTH });
    expect(res.status).toBe(200);
    const names = exported(await res.text());
    expect(SEED_METRIC_NAMES.filter((n) => !names.has(n))).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
