import {
  type BeforeApplicationShutdown,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { currentTransaction } from '../common/ambient-transaction';
import type { SqlExecutor } from '../database/query-builder';
import { retryingStatement, type UnitOfWork } from '../database/transaction';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { logFor } from '../observability/logger';
import { securityEvents, type SecurityEvent } from '../observability/security-events';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookLocalHandlers, type WebhookPayload } from './webhook-local-handlers';
import { WebhookWakeups } from './webhook-wakeups';

const log = logFor('WebhookPublisher');

/** An event that is not a goal event (those reach webhooks from the goal event log). */
export interface PublishedEvent {
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
  at?: Date;
}

/**
 * Turns events into deliveries. Goal events need nothing from here: the database writes
 * their deliveries with the event (see the webhooks migration); this only hands them to
 * local handlers. Every other event (security events, users, the system, the webhooks'
 * own) is published here: one statement writes a delivery for each matching endpoint, in
 * the caller's transaction when it gives one. A security event published inside
 * `atomically` (the change it reports) gets its deliveries in that transaction.
 */
@Injectable()
export class WebhookPublisher
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnModuleDestroy
{
  private unsubscribe: (() => void) | undefined;
  private readonly onSecurityEvent = (event: SecurityEvent) => this.fromSecurityEvent(event);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly wakeups: WebhookWakeups,
    private readonly localHandlers: WebhookLocalHandlers,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    securityEvents.on('event', this.onSecurityEvent);
    this.unsubscribe = this.bus.subscribe((event, origin) => {
      if (origin !== 'local') return;
      if (this.localHandlers.size > 0) this.localHandlers.emit(goalPayload(event));
      this.wakeups.eventCommitted(event.tenant_id);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.announceSystem('system.startup');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.announceSystem('system.shutdown');
  }

  onModuleDestroy(): void {
    securityEvents.off('event', this.onSecurityEvent);
    this.unsubscribe?.();
  }

  /** Publishes on its own (retried while the database certainly did not apply it). */
  async publish(event: PublishedEvent): Promise<number> {
    const payload = payloadOf(event);
    const written = await retryingStatement(() => this.write(this.dataSource, event, payload));
    this.afterCommit(payload, written);
    return written;
  }

  /** Publishes inside the caller's unit of work: the deliveries commit or roll back with it. */
  async publishWithin(uow: UnitOfWork, event: PublishedEvent): Promise<number> {
    const payload = payloadOf(event);
    const written = await this.write(uow.manager, event, payload);
    uow.afterCommit(() => this.afterCommit(payload, written));
    return written;
  }

  private async write(
    executor: SqlExecutor,
    event: PublishedEvent,
    payload: WebhookPayload,
  ): Promise<number> {
    const rows = await this.deliveries.publish(executor, {
      tenantId: event.tenantId,
      eventId: payload.event_id,
      type: event.type,
      at: new Date(payload.timestamp),
      data: event.data,
    });
    return rows.length;
  }

  private afterCommit(payload: WebhookPayload, written: number): void {
    this.localHandlers.emit(payload);
    if (written > 0) this.wakeups.wake();
  }

  private fromSecurityEvent(event: SecurityEvent): void {
    if (!event.tenantId) return;
    const data: Record<string, unknown> = { ...(event.details ?? {}) };
    if (event.userId) data.user_id = event.userId;
    if (event.actorId) data.actor_id = event.actorId;
    if (event.sessionId) data.session_id = event.sessionId;
    if (event.ip) data.ip = event.ip;
    const published: PublishedEvent = {
      tenantId: event.tenantId,
      type: event.type,
      data,
      at: event.at,
    };
    const transaction = currentTransaction();
    if (transaction) {
      // the change this event reports commits or rolls back with its deliveries
      const payload = payloadOf(published);
      transaction.enlist(
        this.write(transaction.manager, published, payload).then((written) =>
          transaction.afterCommit(() => this.afterCommit(payload, written)),
        ),
      );
      return;
    }
    this.publish(published).catch((error: unknown) =>
      log.error('a security event could not be published to webhooks', {
        event_type: event.type,
        tenant_id: event.tenantId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  /** Announces this process to the installation's own tenant (best effort, never blocking). */
  private async announceSystem(type: 'system.startup' | 'system.shutdown'): Promise<void> {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    const publishing = this.publish({
      tenantId: DEFAULT_TENANT_ID,
      type,
      data: { host: hostname(), pid: process.pid },
    }).then(
      () => undefined,
      (error: unknown) =>
        log.warn(`${type} was not published to webhooks`, {
          error: error instanceof Error ? error.message : String(error),
        }),
    );
    await Promise.race([publishing, timeout]);
  }
}

function payloadOf(event: PublishedEvent): WebhookPayload {
  return {
    event_id: `evt_${uuidv7().replace(/-/g, '')}`,
    event_type: event.type,
    timestamp: (event.at ?? new Date()).toISOString(),
    data: event.data,
    tenant_id: event.tenantId,
  };
}

/** A goal event as the outbox shapes it for receivers. */
export function goalPayload(event: GoalEventRecord): WebhookPayload {
  const own =
    typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)
      ? (event.data as unknown as Record<string, unknown>)
      : { value: event.data };
  return {
    event_id: `evt_${event.id}`,
    event_type: event.type,
    timestamp: new Date(event.created_at).toISOString(),
    data: { ...own, goal_id: event.goal_id, ...(event.task_id ? { task_id: event.task_id } : {}) },
    tenant_id: event.tenant_id,
  };
}
