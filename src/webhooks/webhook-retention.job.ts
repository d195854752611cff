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
import { WebhookDeliveryRepository } from './webhook-delivery.repository';

const log = logFor('WebhookRetention');
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BATCH = 1000;

/** Removes finished deliveries (with their attempts) older than WEBHOOK_RETENTION_DAYS. */
@Injectable()
export class WebhookRetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS) return;
    this.stop = everyInterval(
      HOUR_MS,
      () => this.run(),
      (error) =>
        log.warn('old webhook deliveries could not be removed', {
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Removes what is past retention now; answers how many deliveries went. */
  async run(now = Date.now()): Promise<number> {
    const cutoff = new Date(now - this.config.WEBHOOK_RETENTION_DAYS * DAY_MS);
    let removed = 0;
    for (;;) {
      const n = await this.deliveries.deleteFinishedBefore(cutoff, BATCH);
      removed += n;
      if (n < BATCH) return removed;
    }
  }
}
