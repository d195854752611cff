import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type SealedBox, uuidv7 } from '#common';
import { SsrfRefused, isAllowListed, safeHttpRequest } from '#net/safe-http';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction, type UnitOfWork } from '../database/transaction';
import { logFor } from '../observability/logger';
import {
  type AttemptOutcome,
  type StartedDelivery,
  WebhookDeliveryRepository,
} from './webhook-delivery.repository';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookPublisher } from './webhook-publisher';
import { retryDelayMs } from './webhook-retry';
import { WEBHOOK_SECRET_SEALER } from './webhook-secret-sealer.provider';
import { signingHeaders } from './webhook-signature';

const log = logFor('WebhookSender');

export const WEBHOOK_USER_AGENT = 'AgentVillage-Webhook/1.0';
/** Stored of each answer's body. */
const KEPT_BODY_CHARS = 1024;
/** Read of each answer's body at most. */
const READ_BODY_BYTES = 16 * 1024;

/** A job of the webhooks queue: send the claimed delivery once. */
export interface DeliverWebhookJob {
  deliveryId: string;
  leaseToken: string;
}

interface AttemptResult {
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

/**
 * Sends one attempt of a claimed delivery: signs the stored payload, posts it through the
 * SSRF-safe client without following redirects, and records the attempt and its outcome
 * in one transaction, only while the claim is still this sender's. 2xx delivers; 410
 * disables the endpoint; anything else is retried on the schedule until none is left.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_SECRET_SEALER) private readonly sealer: SealedBox | null,
    private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly endpoints: WebhookEndpointRepository,
    private readonly publisher: WebhookPublisher,
  ) {}

  /** How long a claim lasts while queued (the dispatcher's) and while sending (the sender's). */
  get sendLeaseMs(): number {
    return this.config.WEBHOOK_TIMEOUT_MS + 5000;
  }

  async deliver(job: DeliverWebhookJob): Promise<void> {
    const delivery = await this.deliveries.start(job.deliveryId, job.leaseToken, this.sendLeaseMs);
    // delivered meanwhile, re-claimed after the claim expired, or its endpoint stopped
    if (!delivery) return;
    const result = await this.attempt(delivery);
    await inTransaction(this.dataSource, (uow) => this.record(uow, delivery, job, result));
  }

  private async attempt(delivery: StartedDelivery): Promise<AttemptResult> {
    const startedAt = new Date();
    const t0 = performance.now();
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'x-webhook-event': delivery.event_type,
      ...signingHeaders({
        secrets: this.secretsOf(delivery),
        deliveryId: delivery.id,
        timestamp,
        body,
        standard: delivery.standard_webhooks,
      }),
    };
    const done = (r: Omit<AttemptResult, 'startedAt' | 'durationMs'>): AttemptResult => ({
      startedAt,
      durationMs: Math.round(performance.now() - t0),
      ...r,
    });
    try {
      const url = new URL(delivery.url);
      const allowHosts = this.config.WEBHOOK_ALLOW_HOSTS;
      if (url.protocol !== 'https:' && !isAllowListed(url, allowHosts))
        throw new SsrfRefused('http is allowed only to hosts in WEBHOOK_ALLOW_HOSTS');
      const response = await safeHttpRequest(
        { url: delivery.url, method: 'POST', headers, body },
        {
          allowHosts,
          followRedirects: false,
          maxResponseBytes: READ_BODY_BYTES,
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
          userAgent: WEBHOOK_USER_AGENT,
        },
      );
      const kept = response.body.toString('utf8').slice(0, KEPT_BODY_CHARS);
      const redirected = response.status >= 300 && response.status < 400;
      return done({
        responseStatus: response.status,
        responseBody: kept,
        error:
          response.status >= 200 && response.status < 300
            ? null
            : `the receiver answered ${response.status}${redirected ? ' (redirects are not followed)' : ''}`,
      });
    } catch (error) {
      return done({ responseStatus: null, responseBody: null, error: describe(error) });
    }
  }

  private async record(
    uow: UnitOfWork,
    delivery: StartedDelivery,
    job: DeliverWebhookJob,
    result: AttemptResult,
  ): Promise<void> {
    const status = result.responseStatus;
    const delivered = status !== null && status >= 200 && status < 300;
    const gone = status === 410;
    const attempt = delivery.attempts + 1;
    const delay = retryDelayMs(
      attempt,
      this.config.WEBHOOK_MAX_RETRIES,
      this.config.WEBHOOK_RETRY_SCALE,
    );
    const outcome: AttemptOutcome = delivered
      ? { status: 'DELIVERED', nextAttemptAt: null, responseStatus: status, error: null }
      : gone || delay === undefined
        ? { status: 'EXPIRED', nextAttemptAt: null, responseStatus: status, error: result.error }
        : {
            status: 'RETRYING',
            nextAttemptAt: new Date(Date.now() + delay),
            responseStatus: status,
            error: result.error,
          };
    const attempts = await this.deliveries.finish(
      uow.manager,
      delivery.id,
      job.leaseToken,
      outcome,
    );
    if (attempts === undefined) return; // the claim expired and another sender took it
    await this.deliveries.insertAttempt(uow.manager, {
      id: uuidv7(),
      tenant_id: delivery.tenant_id,
      delivery_id: delivery.id,
      attempt: attempts,
      started_at: result.startedAt,
      duration_ms: result.durationMs,
      response_status: status,
      response_body: result.responseBody,
      error: result.error,
    });
    if (delivered) {
      await this.endpoints.recordSuccess(uow.manager, delivery.endpoint_id);
      return;
    }
    const failed = outcome.status === 'EXPIRED';
    const after = await this.endpoints.recordFailure(
      uow.manager,
      delivery.endpoint_id,
      failed && !gone,
    );
    if (gone) await this.disable(uow, delivery, 'DISABLED', 'the receiver answered 410 Gone');
    else if (
      after &&
      after.status === 'ACTIVE' &&
      after.consecutive_failures >= this.config.WEBHOOK_DISABLE_AFTER_FAILURES
    )
      await this.disable(
        uow,
        delivery,
        'FAILED',
        `${after.consecutive_failures} deliveries in a row failed`,
      );
  }

  private async disable(
    uow: UnitOfWork,
    delivery: StartedDelivery,
    to: 'FAILED' | 'DISABLED',
    reason: string,
  ): Promise<void> {
    const endpoint = await this.endpoints.disable(uow.manager, delivery.endpoint_id, to, reason);
    if (!endpoint) return;
    log.warn('webhook endpoint disabled', {
      tenant_id: endpoint.tenant_id,
      webhook_id: endpoint.id,
      status: to,
      reason,
    });
    await this.publisher.publishWithin(uow, {
      tenantId: endpoint.tenant_id,
      type: 'webhook.disabled',
      data: { webhook_id: endpoint.id, name: endpoint.name, status: to, reason },
    });
  }

  private secretsOf(delivery: StartedDelivery): string[] {
    if (!this.sealer) throw new Error('webhook secrets cannot be opened without a sealing key');
    const secrets = [this.sealer.open(delivery.sealed_secret)];
    const until = delivery.previous_secret_expires_at;
    if (delivery.sealed_previous_secret && until && new Date(until).getTime() > Date.now())
      secrets.push(this.sealer.open(delivery.sealed_previous_secret));
    return secrets;
  }
}

function describe(error: unknown): string {
  if (error instanceof SsrfRefused) return `refused before connecting: ${error.message}`;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError')
      return 'the receiver did not answer in time';
    const code = (error as NodeJS.ErrnoException).code;
    return (code ? `${code}: ` : '') + error.message.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
