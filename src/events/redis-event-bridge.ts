import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { decodeBridgeMessage, encodeBridgeMessage, RecentIds } from './bridge-codec';
import type { GoalEventRecord } from './domain-events';
import { EventBus } from './event-bus';
import { LiveOutput } from './live-output';
import { decodeLiveMessage, encodeLiveDelta, encodeLiveWatches } from './live-output-codec';

/** The most events one bridge message carries. */
const MAX_BATCH = 500;
/** How often a process announces the goals its clients watch, and how long an announcement holds. */
const WATCH_REFRESH_MS = 5_000;
const WATCH_TTL_MS = 15_000;

/**
 * With REDIS_URL: every event committed in this process is published on one Redis
 * channel, and events committed in other processes (workers, other API instances) are
 * fed into the local bus as `remote`. The events committed during one turn of the event
 * loop go out as one message (a wave of tasks finishing is one publish, not one per
 * event), in commit order. A process ignores its own messages (instance id), and a short
 * memory of recent event ids drops any repeat, so nothing is delivered twice.
 *
 * Running tasks' output deltas (`LiveOutput`) travel on a second channel, one publish per
 * delta, never stored; the same subscriber connection reads both channels, so a delta
 * published before its task's result reaches the other processes before the task's
 * `task.completed`. Processes with WebSocket clients announce there which goals they watch.
 */
@Injectable()
export class RedisEventBridge implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly log = logFor('RedisEventBridge');
  private readonly seen = new RecentIds(10_000);
  private publisher?: Redis;
  private subscriber?: Redis;
  private unsubscribe?: () => void;
  private stopLive?: () => void;
  private watchRefresh?: NodeJS.Timeout;
  private outbox: GoalEventRecord[] = [];
  private flushScheduled = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: EventBus,
    private readonly live: LiveOutput,
  ) {}

  get channel(): string {
    return `${this.config.QUEUE_PREFIX}:goal-events`;
  }

  get liveChannel(): string {
    return `${this.config.QUEUE_PREFIX}:live-output`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.REDIS_URL) return;
    const options = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    this.publisher = new Redis(this.config.REDIS_URL, options);
    this.subscriber = new Redis(this.config.REDIS_URL, options);
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) =>
        this.log.warn('redis event bridge connection error', { error: error.message }),
      );
    }
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (channel: string, raw: string) =>
      channel === this.liveChannel ? this.receiveLive(raw) : this.receive(raw),
    );
    await this.subscriber.subscribe(this.channel, this.liveChannel);
    this.relayLiveOutput();
    this.unsubscribe = this.bus.subscribe((event, origin) => {
      if (origin !== 'local') return;
      this.seen.add(event.id);
      this.outbox.push(event);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    this.log.info('goal events bridged through redis pub/sub', { channel: this.channel });
  }

  private relayLiveOutput(): void {
    const stopDeltas = this.live.subscribe((delta, origin) => {
      if (origin === 'local') this.publishLive(encodeLiveDelta(this.instanceId, delta));
    });
    const stopWatches = this.live.onWatched((key) =>
      this.publishLive(encodeLiveWatches(this.instanceId, [key])),
    );
    this.watchRefresh = setInterval(() => {
      const keys = this.live.watchedKeys();
      if (keys.length) this.publishLive(encodeLiveWatches(this.instanceId, keys));
    }, WATCH_REFRESH_MS);
    this.watchRefresh.unref();
    this.stopLive = () => {
      stopDeltas();
      stopWatches();
      clearInterval(this.watchRefresh);
    };
  }

  private publishLive(message: string): void {
    this.publisher
      ?.publish(this.liveChannel, message)
      .catch((error: Error) =>
        this.log.warn('could not publish live output to redis', { error: error.message }),
      );
  }

  private receiveLive(raw: string): void {
    const message = decodeLiveMessage(raw);
    if (!message) {
      this.log.warn('ignored a malformed message on the live output channel');
      return;
    }
    if (message.origin === this.instanceId) return;
    if (message.kind === 'delta') this.live.publish(message.delta, 'remote');
    else this.live.noteRemoteWatches(message.keys, WATCH_TTL_MS);
  }

  private flush(): void {
    this.flushScheduled = false;
    const events = this.outbox;
    this.outbox = [];
    for (let start = 0; start < events.length; start += MAX_BATCH) {
      const batch = events.slice(start, start + MAX_BATCH);
      this.publisher
        ?.publish(this.channel, encodeBridgeMessage(this.instanceId, batch))
        .catch((error: Error) =>
          this.log.warn('could not publish goal events to redis', {
            error: error.message,
            event_ids: batch.map((event) => event.id),
          }),
        );
    }
  }

  private receive(raw: string): void {
    const message = decodeBridgeMessage(raw);
    if (!message) {
      this.log.warn('ignored a malformed message on the goal event channel');
      return;
    }
    if (message.origin === this.instanceId) return;
    for (const event of message.events) {
      if (this.seen.add(event.id)) this.bus.publish(event, 'remote');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.stopLive?.();
    this.flush();
    await Promise.allSettled([this.subscriber?.quit(), this.publisher?.quit()]);
  }
}
