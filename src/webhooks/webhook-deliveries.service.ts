import { Injectable } from '@nestjs/common';
import { NotFound, uuidv7 } from '#common';
import {
  type DeliveryFilter,
  type WebhookAttemptRow,
  WebhookDeliveryRepository,
  type WebhookDeliveryRow,
} from './webhook-delivery.repository';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookWakeups } from './webhook-wakeups';

/** The deliveries of one endpoint: their history, their attempts, and redelivery. */
@Injectable()
export class WebhookDeliveries {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly wakeups: WebhookWakeups,
  ) {}

  async list(
    tenantId: string,
    endpointId: string,
    filter: DeliveryFilter,
    limit: number,
    offset: number,
  ) {
    await this.endpoints.get(tenantId, endpointId);
    return this.deliveries.list(tenantId, endpointId, filter, limit, offset);
  }

  async get(
    tenantId: string,
    endpointId: string,
    id: string,
  ): Promise<{ delivery: WebhookDeliveryRow; attempts: WebhookAttemptRow[] }> {
    await this.endpoints.get(tenantId, endpointId);
    const found = await this.deliveries.withAttempts(tenantId, endpointId, id);
    if (!found) throw new NotFound('webhook delivery', id);
    return found;
  }

  /** A new delivery of the same event (a new id, so a receiver that dedupes takes it). */
  async redeliver(tenantId: string, endpointId: string, id: string): Promise<WebhookDeliveryRow> {
    await this.endpoints.get(tenantId, endpointId);
    const row = await this.deliveries.redeliver(tenantId, endpointId, id, uuidv7());
    if (!row) throw new NotFound('webhook delivery', id);
    this.wakeups.wake();
    return row;
  }
}
