import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JOB_QUEUE, JobQueue, TASK_QUEUE } from './job-queue';

export const GOALS_QUEUE = 'goals';
export const TASKS_QUEUE = 'tasks';

@Injectable()
class JobQueueCloser implements OnApplicationShutdown {
  constructor(
    @Inject(JOB_QUEUE) private readonly goals: JobQueue,
    @Inject(TASK_QUEUE) private readonly tasks: JobQueue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.goals.close(), this.tasks.close()]);
  }
}

/** Which queue, and how many of its jobs one process runs at once. */
export interface JobQueueShape {
  name: string;
  concurrency: number;
}

/** BullMQ when REDIS_URL is set, otherwise the in-process runner. */
export function createJobQueue(
  config: AppConfig,
  shape: JobQueueShape = { name: GOALS_QUEUE, concurrency: config.JOB_CONCURRENCY },
): JobQueue {
  if (!config.REDIS_URL) {
    return new InProcessJobQueue({
      concurrency: shape.concurrency,
      attempts: config.JOB_ATTEMPTS,
      backoffMs: config.JOB_BACKOFF_MS,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
  }
  const redis = new URL(config.REDIS_URL);
  const queue = new Queue(shape.name, {
    // a hash tag: every key of every queue in one Redis Cluster slot (BullMQ's scripts
    // touch several keys of a queue at once)
    prefix: `{${config.QUEUE_PREFIX}}`,
    connection: {
      host: redis.hostname,
      port: Number(redis.port || 6379),
      username: redis.username || undefined,
      password: redis.password ? decodeURIComponent(redis.password) : undefined,
      db: redis.pathname.length > 1 ? Number(redis.pathname.slice(1)) : 0,
      tls: redis.protocol === 'rediss:' ? {} : undefined,
      maxRetriesPerRequest: null,
    },
  });
  return new BullMqJobQueue(queue, config, shape.concurrency);
}

/**
 * The goal queue (`JOB_QUEUE`) and the task queue (`TASK_QUEUE`, tasks of goals driven by
 * another process), closed (running jobs drained) when the application shuts down.
 */
@Module({
  providers: [
    {
      provide: JOB_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createJobQueue(config),
    },
    {
      provide: TASK_QUEUE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createJobQueue(config, { name: TASKS_QUEUE, concurrency: config.WORKER_TASK_CONCURRENCY }),
    },
    JobQueueCloser,
  ],
  exports: [JOB_QUEUE, TASK_QUEUE],
})
export class QueueModule {}
