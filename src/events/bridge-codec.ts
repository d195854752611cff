import type { GoalEventRecord } from './domain-events';
import { decodeRelayed, encodeRelayed } from './relayed-message';

export interface BridgeMessage {
  origin: string;
  events: GoalEventRecord[];
}

/** The events one process committed during one turn of its event loop, as one message. */
export function encodeBridgeMessage(origin: string, events: readonly GoalEventRecord[]): string {
  return encodeRelayed(origin, 'events', { items: events });
}

/**
 * Parses a bridge message: a batch (`events.items`) or a single `event`, as a process of
 * the previous release sends it during a rolling upgrade. Anything not shaped like one
 * answers null; a batch with one malformed event is refused whole.
 */
export function decodeBridgeMessage(raw: string): BridgeMessage | null {
  const batch = decodeRelayed(raw, 'events');
  if (batch) {
    const items = batch.payload.items;
    if (!Array.isArray(items) || !items.every(isEvent)) return null;
    return { origin: batch.origin, events: items };
  }
  const single = decodeRelayed(raw, 'event');
  if (!single || !isEvent(single.payload)) return null;
  return { origin: single.origin, events: [single.payload] };
}

function isEvent(value: unknown): value is GoalEventRecord {
  if (!value || typeof value !== 'object') return false;
  const e = value as Partial<GoalEventRecord>;
  return (
    typeof e.id === 'number' &&
    typeof e.seq === 'number' &&
    typeof e.goal_id === 'string' &&
    typeof e.tenant_id === 'string' &&
    typeof e.type === 'string'
  );
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
