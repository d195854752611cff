import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RbacModule } from '../rbac/rbac.module';
import type { JobQueue } from '../queue/job-queue';
import { createJobQueue } from '../queue/queue.module';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WEBHOOK_QUEUE, WEBHOOKS_QUEUE_NAME, WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookLocalHandlers } from './webhook-local-handlers';
import { WebhookOwnerReach } from './webhook-owner-reach';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookQueueCloser } from './webhook-queue-closer';
import { WebhookRetentionJob } from './webhook-retention.job';
import { webhookSecretSealerProvider } from './webhook-secret-sealer.provider';
import { WebhookSender } from './webhook-sender';
import { WebhookWakeups } from './webhook-wakeups';
import { WebhooksAdminController } from './webhooks-admin.controller';
import { WebhooksController } from './webhooks.controller';

/**
 * Webhooks: endpoints per tenant, the deliveries the goal event log and the publisher
 * write, their sending on their own queue (BullMQ, or in process when embedded), and the
 * in-process handlers of the same events.
 */
@Module({
  imports: [EventsModule, MetricsModule, RbacModule],
  controllers: [WebhooksController, WebhookDeliveriesController, WebhooksAdminController],
  providers: [
    {
      provide: WEBHOOK_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): JobQueue =>
        createJobQueue(config, {
          name: WEBHOOKS_QUEUE_NAME,
          concurrency: config.WEBHOOK_CONCURRENCY,
        }),
    },
    WebhookQueueCloser,
    webhookSecretSealerProvider,
    WebhookEndpointRepository,
    WebhookDeliveryRepository,
    WebhookWakeups,
    WebhookLocalHandlers,
    WebhookPublisher,
    WebhookSender,
    WebhookDispatcher,
    WebhookRetentionJob,
    WebhookEndpoints,
    WebhookOwnerReach,
    WebhookDeliveries,
  ],
  exports: [WebhookPublisher, WebhookLocalHandlers],
})
export class WebhooksModule {}
