import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { logFor } from '../../observability/logger';
import type { TaskJobResult } from './remote-task-job';

/** How long a result, or the mark of who started a job, is kept. */
const KEEP_MS = 24 * 3600 * 1000;

/**
 * Between the process driving a goal and the processes running its tasks, on Redis: a
 * task job's result is stored under its job id and announced on a channel (the driver
 * also reads it when it polls, so a missed message only costs a poll); the runner marks
 * which worker started a job; the driver cancels a job on the cancel channel. Keys share
 * the `{<QUEUE_PREFIX>}` hash tag of the queues.
 */
@Injectable()
export class TaskResultChannel implements OnApplicationShutdown {
  private readonly log = logFor('TaskResultChannel');
  private commands?: Redis;
  private subscriber?: Promise<Redis>;
  private readonly waiting = new Map<string, () => void>();
  private readonly cancelHandlers: Array<(jobId: string) => void> = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private key(kind: 'result' | 'started', jobId: string): string {
    return `{${this.config.QUEUE_PREFIX}}:tasks:${kind}:${jobId}`;
  }

  private channel(kind: 'results' | 'cancel'): string {
    return `{${this.config.QUEUE_PREFIX}}:tasks:${kind}`;
  }

  private redis(): Redis {
    if (!this.config.REDIS_URL) throw new Error('task jobs need REDIS_URL');
    if (!this.commands) {
      this.commands = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
      this.commands.on('error', (error: Error) =>
        this.log.warn('task result connection error', { error: error.message }),
      );
    }
    return this.commands;
  }

  /** Subscribes once, to both channels, before the first wait or cancel handler. */
  private subscribed(): Promise<Redis> {
    this.subscriber ??= (async () => {
      const client = new Redis(this.config.REDIS_URL!, { maxRetriesPerRequest: null });
      client.on('error', (error: Error) =>
        this.log.warn('task result subscriber error', { error: error.message }),
      );
      client.on('message', (channel: string, jobId: string) => {
        if (channel === this.channel('results')) this.waiting.get(jobId)?.();
        else for (const handler of this.cancelHandlers) handler(jobId);
      });
      await client.subscribe(this.channel('results'), this.channel('cancel'));
      return client;
    })();
    return this.subscriber;
  }

  async publish(jobId: string, result: TaskJobResult): Promise<void> {
    const redis = this.redis();
    await redis.set(this.key('result', jobId), JSON.stringify(result), 'PX', KEEP_MS);
    await redis.publish(this.channel('results'), jobId);
  }

  async result(jobId: string): Promise<TaskJobResult | undefined> {
    const raw = await this.redis().get(this.key('result', jobId));
    return raw === null ? undefined : (JSON.parse(raw) as TaskJobResult);
  }

  async markStarted(jobId: string, workerId: string): Promise<void> {
    await this.redis().set(this.key('started', jobId), workerId, 'PX', KEEP_MS);
  }

  async startedBy(jobId: string): Promise<string | undefined> {
    return (await this.redis().get(this.key('started', jobId))) ?? undefined;
  }

  /**
   * Resolves when a result for `jobId` is announced, or after `pollMs` (whichever is first):
   * the caller then reads `result`. Subscribed before the job is added, so none is missed.
   */
  async listen(
    jobId: string,
  ): Promise<{ next: (pollMs: number) => Promise<void>; end: () => void }> {
    await this.subscribed();
    let wake: (() => void) | undefined;
    let announced = false;
    this.waiting.set(jobId, () => {
      announced = true;
      wake?.();
    });
    return {
      next: (pollMs) => {
        if (announced) {
          announced = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            announced = false;
            clearTimeout(timer);
            resolve();
          };
        });
      },
      end: () => this.waiting.delete(jobId),
    };
  }

  async cancel(jobId: string): Promise<void> {
    await this.redis().publish(this.channel('cancel'), jobId);
  }

  async onCancel(handler: (jobId: string) => void): Promise<void> {
    this.cancelHandlers.push(handler);
    await this.subscribed();
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = await this.subscriber?.catch(() => undefined);
    await Promise.allSettled(
      [subscriber, this.commands].map((client) =>
        client?.status === 'ready' ? client.quit() : client?.disconnect(),
      ),
    );
  }
}
