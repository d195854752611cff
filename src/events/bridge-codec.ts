import type { GoalEventRecord } from './domain-events';
import { decodeRelayed, encodeRelayed } from './relayed-message';

export interface BridgeMessage {
  origin: string;
  event: GoalEventRecord;
}

export function encodeBridgeMessage(origin: string, event: GoalEventRecord): string {
  return encodeRelayed(origin, 'event', event);
}

/** Parses a bridge message; anything not shaped like one answers null. */
export function decodeBridgeMessage(raw: string): BridgeMessage | null {
  const relayed = decodeRelayed(raw, 'event');
  if (!relayed) return null;
  const { origin, payload: event } = relayed;
  const e = event as Partial<GoalEventRecord>;
  if (
    typeof e.id !== 'number' ||
    typeof e.seq !== 'number' ||
    typeof e.goal_id !== 'string' ||
    typeof e.tenant_id !== 'string' ||
    typeof e.type !== 'string'
  )
    return null;
  return { origin, event: event as unknown as GoalEventRecord };
}

/** A bounded set of recently seen event ids (insertion order eviction). */
export class RecentIds {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity: number) {}

  /** Adds the id; false when it was already there. */
  add(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as number;
      this.ids.delete(oldest);
    }
    return true;
  }
}
