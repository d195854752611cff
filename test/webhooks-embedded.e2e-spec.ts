import {
  ApiClient,
  AppProcess,
  goalFinished,
  Json,
  startApp,
  tempDir,
  TEST_ADMIN_API_KEY,
  waitFor,
} from '#testing';
import {
  headerOf,
  startWebhookReceiver,
  verifyReceived,
  WebhookReceiver,
} from './support/webhook-receiver';

/**
 * Webhooks on the embedded default (PGlite, in-process queue, offline agents): no
 * WEBHOOK_ENCRYPTION_KEY is needed; a goal's events arrive signed at a loopback receiver
 * that is allow-listed, and a retry still pending when the process stops is sent after it
 * starts again on the same data directory.
 */
describe('webhooks on the embedded default (PGlite + in-process queue)', () => {
  let receiver: WebhookReceiver;
  let app: AppProcess;
  let api: ApiClient;
  let env: Record<string, string>;

  const start = async () => {
    app = await startApp({ env });
    api = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    env = {
      DATA_DIR: tempDir(),
      WEBHOOK_ALLOW_HOSTS: receiver.hostPort,
      // the first retry is due 6 s after the first attempt: time to stop and start again
      WEBHOOK_RETRY_SCALE: '0.1',
      WEBHOOK_POLL_MS: '200',
    };
    await start();
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  });

  async function delivery(endpointId: string, deliveryId: string): Promise<Json> {
    const res = await api.get(`/api/v1/webhooks/${endpointId}/deliveries/${deliveryId}`);
    expect(res.status).toBe(200);
    // the attempts are listed beside their count
    const log = res.body.attempt_log;
    return { ...res.body, log };
  }

  it("delivers a goal's events signed, one per event of its log", async () => {
    const types = (await api.get('/api/v1/webhooks/event-types')).body.event_types as string[];
    expect(types).toEqual(expect.arrayContaining(['goal.created', 'goal.completed']));
    const created = await api.post('/api/v1/webhooks', {
      url: receiver.url('/embedded'),
      events: ['*'],
      name: 'everything',
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const submitted = await api.post('/api/v1/goals', {
      goal: 'Research cats. Research dogs.',
    });
    expect(submitted.status).toBe(202);
    const goalId = submitted.body.goal_id as string;
    const goal = await goalFinished(() => api.get(`/api/v1/goals/${goalId}`));
    expect(goal.status).toBe('completed');

    const expected = async () =>
      (
        (await api.get(`/api/v1/goals/${goalId}/events?limit=1000`)).body.items as Array<{
          type: string;
        }>
      ).filter((e) => types.includes(e.type));
    const received = () =>
      receiver.delivered('/embedded').filter((r) => r.json?.data?.goal_id === goalId);
    await waitFor(async () => received().length >= (await expected()).length, {
      what: "the goal's events at the receiver",
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const log = await expected();
    expect(log.length).toBeGreaterThan(0);
    expect(
      received()
        .map((r) => r.json.event_type)
        .sort(),
    ).toEqual(log.map((e) => e.type).sort());
    expect(new Set(received().map((r) => r.json.event_id)).size).toBe(log.length);
    const tenant = (await api.get('/api/v1/tenants/me')).body.id;
    for (const r of receiver.at('/embedded')) {
      expect(verifyReceived(r, secret)).toBe(true);
      expect(headerOf(r, 'user-agent')).toBe('AgentVillage-Webhook/1.0');
      expect(Object.keys(r.json).sort()).toEqual([
        'data',
        'event_id',
        'event_type',
        'tenant_id',
        'timestamp',
      ]);
      expect(r.json.tenant_id).toBe(tenant);
    }
  });

  it('a retry pending when the process stops is delivered after it starts again on the same data', async () => {
    receiver.script('/retry', [{ status: 503 }]);
    const created = await api.post('/api/v1/webhooks', {
      url: receiver.url('/retry'),
      events: ['goal.completed'],
      name: 'flaky',
    });
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    const sent = await api.post(`/api/v1/webhooks/${endpointId}/test`);
    expect(sent.status).toBe(202);
    const deliveryId = sent.body.id as string;
    const waiting = await waitFor(
      async () => {
        const d = await delivery(endpointId, deliveryId);
        return d.log?.length === 1 ? d : undefined;
      },
      { what: 'the failed first attempt to be recorded', intervalMs: 100 },
    );
    expect(waiting.status).toBe('RETRYING');
    await app.stop();
    expect(receiver.at('/retry')).toHaveLength(1);

    await start();
    const done = await waitFor(
      async () => {
        const d = await delivery(endpointId, deliveryId);
        return d.status === 'DELIVERED' ? d : undefined;
      },
      { what: 'the pending retry after the restart', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(done.log.map((a: Json) => a.response_status)).toEqual([503, 200]);
    const requests = receiver.at('/retry');
    expect(requests.map((r) => [r.deliveryId, r.answered])).toEqual([
      [deliveryId, 503],
      [deliveryId, 200],
    ]);
    expect(verifyReceived(requests[1], created.body.secret)).toBe(true);
  });
});
