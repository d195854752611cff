import type { GoalEventRecord } from '../events/domain-events';
import { eventEnvelope } from './protocol';
import { textFrame } from './ws-frame';

export interface EncodedEvent {
  /** The WebSocket text frame(s), ready for the TCP socket. */
  frame: Buffer;
  /** When the (first) event was committed, for the delivery-lag metric. */
  createdAtMs: number;
}

/**
 * Frames each event once, however many clients it fans out to, and a run of events once
 * for every client that takes the whole run. Entries live as long as the events do.
 */
export class EventEncoder {
  private readonly events = new WeakMap<GoalEventRecord, EncodedEvent>();
  private readonly runs = new WeakMap<readonly GoalEventRecord[], EncodedEvent>();

  event(event: GoalEventRecord): EncodedEvent {
    let encoded = this.events.get(event);
    if (encoded === undefined) {
      encoded = {
        frame: textFrame(Buffer.from(eventEnvelope(event))),
        createdAtMs: Date.parse(event.created_at),
      };
      this.events.set(event, encoded);
    }
    return encoded;
  }

  run(run: readonly GoalEventRecord[]): EncodedEvent {
    let encoded = this.runs.get(run);
    if (encoded === undefined) {
      const frames = run.map((event) => this.event(event));
      encoded = {
        frame: Buffer.concat(frames.map((f) => f.frame)),
        createdAtMs: frames[0].createdAtMs,
      };
      this.runs.set(run, encoded);
    }
    return encoded;
  }
}
