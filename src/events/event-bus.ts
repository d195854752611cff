import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { GoalEventRecord } from './domain-events';

/** Where a published event was committed: in this process, or in another one (Redis bridge). */
export type EventOrigin = 'local' | 'remote';

type Listener = (event: GoalEventRecord, origin: EventOrigin) => void;

/**
 * In-process fan-out of committed goal events. With REDIS_URL the RedisEventBridge
 * republishes local events to other processes and feeds theirs in as `remote`;
 * consumers only ever see committed events.
 */
@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(event: GoalEventRecord, origin: EventOrigin = 'local'): void {
    this.emitter.emit('event', event, origin);
  }

  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
