import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { everyInterval } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import type { JobQueue } from '../queue/job-queue';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { type DeliverWebhookJob, WebhookSender } from './webhook-sender';
import { WebhookWakeups } from './webhook-wakeups';

const log = logFor('WebhookDispatcher');

export const WEBHOOK_QUEUE = Symbol('WEBHOOK_QUEUE');
export const WEBHOOKS_QUEUE_NAME = 'webhooks';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

/**
 * Moves due deliveries onto the webhooks queue, in every process that runs jobs: at each
 * WEBHOOK_POLL_MS, and at once when a delivery was just written here. Each delivery is
 * claimed under a lease token before it is queued, so two processes never queue it
 * together; a claim whose process died expires and is taken again (a job BullMQ finds
 * stalled is handed on with its still-valid claim). The queue's consumers send them.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_QUEUE) private readonly queue: JobQueue,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly wakeups: WebhookWakeups,
  ) {}

  /** Claims per look: enough to keep every sender busy until the next one. */
  private get batch(): number {
    return this.config.WEBHOOK_CONCURRENCY * 4;
  }

  /** A claim lasts while it waits in the queue and while it is sent. */
  private get claimLeaseMs(): number {
    return this.config.WEBHOOK_TIMEOUT_MS * 2 + 5000;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.PROCESS_JOBS) return;
    this.queue.process<DeliverWebhookJob>(DELIVER_WEBHOOK_JOB, (job) => this.sender.deliver(job));
    if (this.config.mode === 'embedded') {
      // PGlite belongs to this process alone: any claim on record is from a previous run.
      await this.deliveries.releaseClaims();
    }
    this.wakeups.onWake(() => this.wake());
    this.stopTimer = everyInterval(
      this.config.WEBHOOK_POLL_MS,
      async () => this.wake(),
      () => undefined,
    );
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.stopTimer?.();
    await this.running;
  }

  /** Looks for due deliveries soon; a look already going looks once more after it. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.look().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async look(): Promise<void> {
    try {
      this.wakeups.setActiveTenants(await this.deliveries.activeTenants());
      for (;;) {
        if (this.closed) return;
        const { waiting } = await this.queue.counts();
        if (waiting >= this.batch) return;
        const claimed = await this.deliveries.claimDue(this.batch - waiting, this.claimLeaseMs);
        for (const c of claimed)
          await this.queue.add<DeliverWebhookJob>(
            DELIVER_WEBHOOK_JOB,
            { deliveryId: c.id, leaseToken: c.lease_token },
            { jobId: `${c.id}.${c.lease_token}` },
          );
        if (claimed.length < this.batch - waiting) return;
      }
    } catch (error) {
      log.warn('due webhook deliveries could not be queued; trying again at the next look', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
