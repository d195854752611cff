import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { WebhookAttempts, WebhookDeliveries } from '../database/schema.generated';
import { statements } from './webhook-delivery.statements';

export type WebhookDeliveryRow = Selectable<WebhookDeliveries>;
export type WebhookAttemptRow = Selectable<WebhookAttempts>;
export type NewWebhookAttemptRow = Insertable<WebhookAttempts>;
export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'RETRYING' | 'EXPIRED';

/** An event to fan out to the tenant's matching endpoints (or to one endpoint only). */
export interface WebhookEventInput {
  tenantId: string;
  eventId: string;
  type: string;
  at: Date;
  data: Record<string, unknown>;
}

/** A delivery claimed for sending: only the holder of `lease_token` may record its attempt. */
export interface ClaimedDelivery {
  id: string;
  tenant_id: string;
  lease_token: string;
  attempts: number;
}

/** A delivery ready to send, with what its endpoint needs to sign and reach it. */
export interface StartedDelivery {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  url: string;
  sealed_secret: string;
  sealed_previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  standard_webhooks: boolean;
}

/** How an attempt ended, for its delivery row. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  responseStatus: number | null;
  error: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventType?: string;
}

@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  publish(
    executor: SqlExecutor,
    event: WebhookEventInput,
  ): Promise<Array<{ id: string; endpoint_id: string }>> {
    return rowsOf(executor, statements.publish(event));
  }

  publishTo(endpointId: string, event: WebhookEventInput): Promise<WebhookDeliveryRow | undefined> {
    return firstOf(this.dataSource, statements.publishTo(endpointId, event));
  }

  claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return rowsOf(this.dataSource, statements.claimDue(limit, leaseMs)) as Promise<
      ClaimedDelivery[]
    >;
  }

  start(id: string, leaseToken: string, leaseMs: number): Promise<StartedDelivery | undefined> {
    return firstOf(this.dataSource, statements.start(id, leaseToken, leaseMs));
  }

  /** The delivery's attempt count after this one, or undefined when the lease was lost. */
  async finish(
    executor: SqlExecutor,
    id: string,
    leaseToken: string,
    outcome: AttemptOutcome,
  ): Promise<number | undefined> {
    return (await firstOf(executor, statements.finish(id, leaseToken, outcome)))?.attempts;
  }

  async insertAttempt(executor: SqlExecutor, row: NewWebhookAttemptRow): Promise<void> {
    await rowsOf(executor, statements.insertAttempt(row));
  }

  async list(
    tenantId: string,
    endpointId: string,
    filter: DeliveryFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: WebhookDeliveryRow[]; total: number }> {
    const rows = await rowsOf(
      this.dataSource,
      statements.list(tenantId, endpointId, filter, limit, offset),
    );
    return {
      items: rows.map(({ total: _total, ...row }) => row as WebhookDeliveryRow),
      total: rows[0]?.total ?? 0,
    };
  }

  /**
   * A delivery with its attempts, read from one snapshot: a sender committing in between
   * would otherwise show an attempt beside the status from before it.
   */
  withAttempts(
    tenantId: string,
    endpointId: string,
    id: string,
  ): Promise<{ delivery: WebhookDeliveryRow; attempts: WebhookAttemptRow[] } | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const delivery = await firstOf(manager, statements.byId(tenantId, endpointId, id));
      if (!delivery) return undefined;
      return { delivery, attempts: await rowsOf(manager, statements.attemptsOf(tenantId, id)) };
    });
  }

  redeliver(
    tenantId: string,
    endpointId: string,
    id: string,
    newId: string,
  ): Promise<WebhookDeliveryRow | undefined> {
    return firstOf(this.dataSource, statements.redeliver(tenantId, endpointId, id, newId));
  }

  async stats(tenantId: string, endpointId: string) {
    return (await firstOf(this.dataSource, statements.stats(tenantId, endpointId)))!;
  }

  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return affectedBy(this.dataSource, statements.deleteFinishedBefore(cutoff, limit));
  }

  async releaseClaims(): Promise<void> {
    await affectedBy(this.dataSource, statements.releaseClaims());
  }

  async activeTenants(): Promise<Set<string>> {
    const rows = await rowsOf(this.dataSource, statements.activeTenants());
    return new Set(rows.map((r) => r.tenant_id));
  }
}
