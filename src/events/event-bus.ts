import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { GoalEventRecord } from './domain-events';

type Listener = (event: GoalEventRecord) => void;

/**
 * In-process fan-out of committed goal events. With REDIS_URL a bridge republishes
 * events between processes; consumers only ever see committed events.
 */
@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(event: GoalEventRecord): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
