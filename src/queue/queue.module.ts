import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JOB_QUEUE, JobQueue } from './job-queue';

export const GOALS_QUEUE = 'goals';

@Injectable()
class JobQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** BullMQ (via @nestjs/bullmq) when REDIS_URL is set, otherwise the in-process runner. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.REDIS_URL) {
      return {
        module: QueueModule,
        providers: [
          {
            provide: JOB_QUEUE,
            useFactory: () =>
              new InProcessJobQueue({
                concurrency: config.JOB_CONCURRENCY,
                attempts: config.JOB_ATTEMPTS,
                backoffMs: config.JOB_BACKOFF_MS,
                shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
              }),
          },
          JobQueueCloser,
        ],
        exports: [JOB_QUEUE],
      };
    }
    const redis = new URL(config.REDIS_URL);
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          prefix: config.QUEUE_PREFIX,
          connection: {
            host: redis.hostname,
            port: Number(redis.port || 6379),
            username: redis.username || undefined,
            password: redis.password ? decodeURIComponent(redis.password) : undefined,
            db: redis.pathname.length > 1 ? Number(redis.pathname.slice(1)) : 0,
            tls: redis.protocol === 'rediss:' ? {} : undefined,
            maxRetriesPerRequest: null,
          },
        }),
        BullModule.registerQueue({ name: GOALS_QUEUE }),
      ],
      providers: [
        {
          provide: JOB_QUEUE,
          inject: [getQueueToken(GOALS_QUEUE), APP_CONFIG],
          useFactory: (queue: Queue, appConfig: AppConfig) => new BullMqJobQueue(queue, appConfig),
        },
        JobQueueCloser,
      ],
      exports: [JOB_QUEUE],
    };
  }
}
