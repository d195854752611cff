import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound, type SealedBox, ValidationFailed, uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import { WebhookDeliveryRepository, type WebhookDeliveryRow } from './webhook-delivery.repository';
import {
  WebhookEndpointRepository,
  type WebhookEndpointRow,
  type WebhookStatus,
} from './webhook-endpoint.repository';
import {
  WebhookLimitReached,
  WebhookStatusConflict,
  WebhooksNotConfigured,
} from './webhook-errors';
import { endpointInputErrors, type WebhookEndpointInput } from './webhook-input';
import { WEBHOOK_SECRET_SEALER } from './webhook-secret-sealer.provider';
import { newWebhookSecret } from './webhook-signature';
import { WebhookWakeups } from './webhook-wakeups';

const MINUTE_MS = 60_000;

export interface EndpointStats {
  total: number;
  delivered: number;
  pending: number;
  retrying: number;
  expired: number;
  success_rate: number | null;
  average_response_ms: number | null;
  consecutive_failures: number;
  last_delivery_at: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
}

/** A tenant's webhook endpoints: settings, status, secrets (shown once), test events, stats. */
@Injectable()
export class WebhookEndpoints {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_SECRET_SEALER) private readonly sealer: SealedBox | null,
    private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly wakeups: WebhookWakeups,
  ) {}

  private box(): SealedBox {
    if (!this.sealer) throw new WebhooksNotConfigured();
    return this.sealer;
  }

  /** Creates an ACTIVE endpoint owned by `ownerId`; its secret is in this answer only. */
  async create(
    tenantId: string,
    ownerId: string | null,
    input: WebhookEndpointInput,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const box = this.box();
    this.check(input);
    const secret = newWebhookSecret();
    const max = this.config.WEBHOOK_MAX_PER_OWNER;
    const endpoint = await inTransaction(this.dataSource, async ({ manager }) => {
      await this.endpoints.lockOwner(manager, `${tenantId}:${ownerId ?? 'none'}`);
      if ((await this.endpoints.countOfOwner(manager, tenantId, ownerId)) >= max)
        throw new WebhookLimitReached(max);
      return this.endpoints.insert(manager, {
        id: uuidv7(),
        tenant_id: tenantId,
        owner_id: ownerId,
        sealed_secret: box.seal(secret),
        ...input,
      });
    });
    this.wakeups.wake();
    return { endpoint, secret };
  }

  list(tenantId: string, status: WebhookStatus | undefined, limit: number, offset: number) {
    this.box();
    return this.endpoints.list(tenantId, status, limit, offset);
  }

  listAll(
    tenantId: string | undefined,
    status: WebhookStatus | undefined,
    limit: number,
    offset: number,
  ) {
    return this.endpoints.listAll(tenantId, status, limit, offset);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpointRow> {
    this.box();
    const row = await this.endpoints.byId(tenantId, id);
    if (!row) throw new NotFound('webhook', id);
    return row;
  }

  /** Applies the given fields over the current ones, checked together. */
  async update(
    tenantId: string,
    id: string,
    changes: Partial<WebhookEndpointInput>,
  ): Promise<WebhookEndpointRow> {
    const current = await this.get(tenantId, id);
    const next: WebhookEndpointInput = {
      name: changes.name ?? current.name,
      description: changes.description !== undefined ? changes.description : current.description,
      url: changes.url ?? current.url,
      events: changes.events ?? current.events,
      filters:
        changes.filters !== undefined
          ? changes.filters
          : (current.filters as Record<string, unknown> | null),
      standard_webhooks: changes.standard_webhooks ?? current.standard_webhooks,
    };
    this.check(next, Object.keys(changes));
    const row = await this.endpoints.update(tenantId, id, next);
    if (!row) throw new NotFound('webhook', id);
    return row;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    this.box();
    if (!(await this.endpoints.delete(tenantId, id))) throw new NotFound('webhook', id);
  }

  /** Stops new deliveries; pending ones wait until it is resumed. */
  pause(tenantId: string, id: string): Promise<WebhookEndpointRow> {
    return this.move(tenantId, id, 'paused', ['ACTIVE'], 'PAUSED', 'paused by an administrator');
  }

  /** Makes a paused or disabled endpoint ACTIVE again, its run of failures forgotten. */
  async resume(tenantId: string, id: string): Promise<WebhookEndpointRow> {
    const row = await this.move(
      tenantId,
      id,
      'resumed',
      ['PAUSED', 'DISABLED', 'FAILED'],
      'ACTIVE',
      null,
    );
    this.wakeups.wake();
    return row;
  }

  /** A new secret; the previous one still signs for WEBHOOK_SECRET_ROTATION_WINDOW_MINUTES. */
  async rotateSecret(
    tenantId: string,
    id: string,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const box = this.box();
    const secret = newWebhookSecret();
    const until = new Date(
      Date.now() + this.config.WEBHOOK_SECRET_ROTATION_WINDOW_MINUTES * MINUTE_MS,
    );
    const endpoint = await this.endpoints.rotateSecret(tenantId, id, box.seal(secret), until);
    if (!endpoint) throw new NotFound('webhook', id);
    return { endpoint, secret };
  }

  /** Queues a `webhook.test` event to this endpoint alone. */
  async sendTest(tenantId: string, id: string): Promise<WebhookDeliveryRow> {
    const endpoint = await this.get(tenantId, id);
    const delivery = await this.deliveries.publishTo(id, {
      tenantId,
      eventId: `evt_${uuidv7().replace(/-/g, '')}`,
      type: 'webhook.test',
      at: new Date(),
      data: { webhook_id: id, name: endpoint.name, message: 'This is a test event.' },
    });
    if (!delivery) throw new NotFound('webhook', id);
    this.wakeups.wake();
    return delivery;
  }

  async stats(tenantId: string, id: string): Promise<EndpointStats> {
    const endpoint = await this.get(tenantId, id);
    const counts = await this.deliveries.stats(tenantId, id);
    const finished = counts.delivered + counts.expired;
    return {
      ...counts,
      success_rate: finished === 0 ? null : counts.delivered / finished,
      average_response_ms:
        counts.average_response_ms === null ? null : Math.round(counts.average_response_ms),
      consecutive_failures: endpoint.consecutive_failures,
      last_delivery_at: endpoint.last_delivery_at,
      last_success_at: endpoint.last_success_at,
      last_failure_at: endpoint.last_failure_at,
    };
  }

  private async move(
    tenantId: string,
    id: string,
    action: string,
    from: readonly WebhookStatus[],
    to: WebhookStatus,
    reason: string | null,
  ): Promise<WebhookEndpointRow> {
    const current = await this.get(tenantId, id);
    if (current.status === to) return current;
    const row = await this.endpoints.setStatus(tenantId, id, from, to, reason);
    if (row) return row;
    const now = await this.get(tenantId, id);
    if (now.status === to) return now;
    throw new WebhookStatusConflict(action, now.status);
  }

  private check(input: WebhookEndpointInput, only?: string[]): void {
    const errors = endpointInputErrors(input, this.config.WEBHOOK_ALLOW_HOSTS).filter(
      (e) => !only || only.includes(e.field.split('.')[0]),
    );
    if (errors.length) throw new ValidationFailed(errors);
  }
}
