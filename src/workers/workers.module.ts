import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QueueModule } from '../queue/queue.module';
import { ToolsModule } from '../tools/tools.module';
import { LaneRehomer } from './dispatch/lane-rehomer';
import { WorkDispatcher } from './dispatch/work-dispatcher';
import { InMemoryWorkerStore } from './in-memory-worker-store';
import { RedisWorkerStore } from './redis-worker-store';
import { WORKER_REGISTRY_STORE } from './worker-entry';
import { WorkerIdentity } from './worker-identity';
import { WorkerLoad } from './worker-load';
import { WorkerMetrics } from './worker-metrics';
import { WorkerRegistry } from './worker-registry.service';
import { WorkersController } from './workers.controller';

/** The worker registry: who runs jobs, their heartbeats and load, draining; its admin API. */
@Module({
  imports: [QueueModule, ToolsModule],
  controllers: [WorkersController],
  providers: [
    {
      provide: WORKER_REGISTRY_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.REDIS_URL
          ? new RedisWorkerStore(config.REDIS_URL, config.QUEUE_PREFIX)
          : new InMemoryWorkerStore(),
    },
    WorkerIdentity,
    WorkerLoad,
    WorkerRegistry,
    WorkerMetrics,
    WorkDispatcher,
    LaneRehomer,
  ],
  exports: [WorkerIdentity, WorkerLoad, WorkerRegistry, WorkDispatcher],
})
export class WorkersModule {}
