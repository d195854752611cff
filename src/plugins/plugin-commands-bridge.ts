import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';

export interface PluginCommand {
  action: 'enable' | 'disable' | 'reload';
  name: string;
}

const PUBLISH_DEADLINE_MS = 2_000;
const ACTIONS = new Set(['enable', 'disable', 'reload']);

/**
 * With REDIS_URL, an administrator's enable, disable or reload reaches every process:
 * the process that acted publishes it, the others follow. Without Redis there is one
 * process and nothing to relay.
 */
@Injectable()
export class PluginCommandsBridge implements OnModuleInit, OnApplicationShutdown {
  private readonly instanceId = randomUUID();
  private readonly log = logFor('PluginCommandsBridge');
  private publisher?: Redis;
  private subscriber?: Redis;
  private handler?: (command: PluginCommand) => Promise<void>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get channel(): string {
    return `${this.config.QUEUE_PREFIX}:plugin-commands`;
  }

  onCommand(handler: (command: PluginCommand) => Promise<void>): void {
    this.handler = handler;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.REDIS_URL) return;
    const options = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    this.publisher = new Redis(this.config.REDIS_URL, options);
    this.subscriber = new Redis(this.config.REDIS_URL, options);
    for (const client of [this.publisher, this.subscriber])
      client.on('error', (error: Error) =>
        this.log.warn('redis plugin commands connection error', { error: error.message }),
      );
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (_channel: string, raw: string) => void this.receive(raw));
    await this.subscriber.subscribe(this.channel);
  }

  async publish(command: PluginCommand): Promise<void> {
    if (!this.publisher) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer from redis')), PUBLISH_DEADLINE_MS);
      });
      await Promise.race([
        this.publisher.publish(
          this.channel,
          JSON.stringify({ origin: this.instanceId, ...command }),
        ),
        deadline,
      ]);
    } catch (error) {
      this.log.warn(`could not relay plugin ${command.action} of ${command.name}`, {
        error: (error as Error).message,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private async receive(raw: string): Promise<void> {
    let message: { origin?: unknown; action?: unknown; name?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (message.origin === this.instanceId) return;
    if (typeof message.action !== 'string' || !ACTIONS.has(message.action)) return;
    if (typeof message.name !== 'string') return;
    await this.handler?.({ action: message.action as PluginCommand['action'], name: message.name });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.subscriber?.quit(), this.publisher?.quit()]);
  }
}
