import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { db, rowsOf, affectedBy } from '../database/query-builder';
import { startInProcessApp, type InProcessApp } from '../testing/in-process-app';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookRetentionJob } from './webhook-retention.job';
import { WebhooksModule } from './webhooks.module';

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;

/**
 * Retention in process (in-memory PGlite, deliveries really sent to a loopback receiver):
 * finished deliveries older than WEBHOOK_RETENTION_DAYS go with their attempts; newer ones,
 * and old ones still being sent, stay.
 */
describe('webhook retention in process', () => {
  let product: InProcessApp;
  let receiver: Server;
  const hanging: ServerResponse[] = [];
  let endpoints: WebhookEndpoints;
  let deliveries: WebhookDeliveries;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      if (req.url === '/hang') hanging.push(res);
      else res.writeHead(req.url === '/gone' ? 410 : 200).end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    product = await startInProcessApp(
      {
        WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${port}`,
        WEBHOOK_RETENTION_DAYS: String(RETENTION_DAYS),
        WEBHOOK_TIMEOUT_MS: '60000',
        WEBHOOK_POLL_MS: '50',
      },
      { imports: [WebhooksModule] },
    );
    endpoints = product.app.get(WebhookEndpoints);
    deliveries = product.app.get(WebhookDeliveries);
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await product?.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const endpointAt = async (path: string) => {
    const { port } = receiver.address() as AddressInfo;
    return (
      await endpoints.create(DEFAULT_TENANT_ID, null, {
        name: path,
        description: null,
        url: `http://127.0.0.1:${port}${path}`,
        events: ['user.created'],
        filters: null,
        standard_webhooks: false,
      })
    ).endpoint;
  };

  async function deliveryWhen(endpointId: string, id: string, done: (status: string) => boolean) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { delivery, attempts } = await deliveries.get(DEFAULT_TENANT_ID, endpointId, id);
      if (done(delivery.status)) return { delivery, attempts };
      if (Date.now() > deadline) throw new Error(`delivery ${id} still ${delivery.status}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const madeDaysAgo = (ids: string[], days: number) =>
    affectedBy(
      product.dataSource,
      db
        .updateTable('webhook_deliveries')
        .set({ created_at: new Date(Date.now() - days * DAY_MS) })
        .where('id', 'in', ids),
    );

  const attemptsOf = (ids: string[]) =>
    rowsOf(
      product.dataSource,
      db.selectFrom('webhook_attempts').select('delivery_id').where('delivery_id', 'in', ids),
    );

  it('removes finished deliveries older than the retention with their attempts, and keeps the rest', async () => {
    const ok = await endpointAt('/ok');
    const gone = await endpointAt('/gone');
    const hang = await endpointAt('/hang');
    const oldDelivered = (await endpoints.sendTest(DEFAULT_TENANT_ID, ok.id)).id;
    const newDelivered = (await endpoints.sendTest(DEFAULT_TENANT_ID, ok.id)).id;
    const oldExpired = (await endpoints.sendTest(DEFAULT_TENANT_ID, gone.id)).id;
    const oldInFlight = (await endpoints.sendTest(DEFAULT_TENANT_ID, hang.id)).id;
    for (const id of [oldDelivered, newDelivered])
      await deliveryWhen(ok.id, id, (s) => s === 'DELIVERED');
    await deliveryWhen(gone.id, oldExpired, (s) => s === 'EXPIRED');
    const deadline = Date.now() + 20_000;
    while (!hanging.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(hanging).toHaveLength(1);

    await madeDaysAgo([oldDelivered, oldExpired, oldInFlight], RETENTION_DAYS + 1);
    await madeDaysAgo([newDelivered], RETENTION_DAYS - 1);
    expect(await attemptsOf([oldDelivered, oldExpired])).toHaveLength(2);

    const removed = await product.app.get(WebhookRetentionJob).run();
    expect(removed).toBe(2);

    const listed = async (endpointId: string) =>
      (await deliveries.list(DEFAULT_TENANT_ID, endpointId, {}, 100, 0)).items.map((d) => d.id);
    expect(await listed(ok.id)).toEqual([newDelivered]);
    expect(await listed(gone.id)).toEqual([]);
    expect(await listed(hang.id)).toEqual([oldInFlight]);
    await expect(deliveries.get(DEFAULT_TENANT_ID, ok.id, oldDelivered)).rejects.toMatchObject({
      status: 404,
    });
    expect(await attemptsOf([oldDelivered, oldExpired])).toEqual([]);
    expect(await attemptsOf([newDelivered])).toHaveLength(1);
    // nothing is left to remove: a second run takes nothing more
    expect(await product.app.get(WebhookRetentionJob).run()).toBe(0);
  });
});
