import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AccessSignal, accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { decodeAccessSignal, encodeAccessSignal } from './access-signal-codec';

const PUBLISH_DEADLINE_MS = 2_000;

/**
 * With REDIS_URL: cache invalidations of identities, sessions, keys and permissions reach
 * every process. The process that made a change publishes its signal and awaits the
 * publish, so other API processes have it before that change's request answers.
 */
@Injectable()
export class AccessInvalidationBridge implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly log = logFor('AccessInvalidationBridge');
  private publisher?: Redis;
  private subscriber?: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get channel(): string {
    return `${this.config.QUEUE_PREFIX}:access-invalidation`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.REDIS_URL) return;
    const options = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    this.publisher = new Redis(this.config.REDIS_URL, options);
    this.subscriber = new Redis(this.config.REDIS_URL, options);
    for (const client of [this.publisher, this.subscriber])
      client.on('error', (error: Error) =>
        this.log.warn('redis access invalidation connection error', { error: error.message }),
      );
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (_channel: string, raw: string) => this.receive(raw));
    await this.subscriber.subscribe(this.channel);
    accessInvalidation.setRelay((signal) => this.publish(signal));
  }

  private async publish(signal: AccessSignal): Promise<void> {
    if (!this.publisher) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const published = this.publisher.publish(
        this.channel,
        encodeAccessSignal(this.instanceId, signal),
      );
      // A Redis outage must not hold the request that made the change.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from redis in ${PUBLISH_DEADLINE_MS} ms`)),
          PUBLISH_DEADLINE_MS,
        );
      });
      await Promise.race([published, deadline]);
    } catch (error) {
      // The change is committed; other processes fall back on their cache TTL.
      this.log.warn('could not relay an access invalidation', {
        error: (error as Error).message,
        kind: signal.kind,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private receive(raw: string): void {
    const message = decodeAccessSignal(raw);
    if (!message) {
      this.log.warn('ignored a malformed message on the access invalidation channel');
      return;
    }
    if (message.origin !== this.instanceId) accessInvalidation.apply(message.signal);
  }

  async onApplicationShutdown(): Promise<void> {
    accessInvalidation.setRelay(undefined);
    await Promise.allSettled([this.subscriber?.quit(), this.publisher?.quit()]);
  }
}
