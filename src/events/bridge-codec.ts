import type { GoalEventRecord } from './domain-events';

export interface BridgeMessage {
  origin: string;
  event: GoalEventRecord;
}

export function encodeBridgeMessage(origin: string, event: GoalEventRecord): string {
  return JSON.stringify({ v: 1, origin, event });
}

/** Parses a bridge message; anything not shaped like one answers null. */
export function decodeBridgeMessage(raw: string): BridgeMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const { v, origin, event } = parsed as { v?: unknown; origin?: unknown; event?: unknown };
  if (v !== 1 || typeof origin !== 'string' || !event || typeof event !== 'object') return null;
  const e = event as Partial<GoalEventRecord>;
  if (
    typeof e.id !== 'number' ||
    typeof e.seq !== 'number' ||
    typeof e.goal_id !== 'string' ||
    typeof e.tenant_id !== 'string' ||
    typeof e.type !== 'string'
  )
    return null;
  return { origin, event: event as GoalEventRecord };
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
