import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { JobQueue } from '../queue/job-queue';
import { WEBHOOK_QUEUE } from './webhook-dispatcher';

/** Closes the webhooks queue at shutdown, letting the attempts in flight finish. */
@Injectable()
export class WebhookQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(WEBHOOK_QUEUE) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
