import { Injectable } from '@nestjs/common';
import type { EventOrigin } from './event-bus';

/**
 * A piece of a running task's answer, as the model writes it. Not a goal event: it is not
 * stored, has no event id and is not replayed; `text` continues the answer of the task's
 * model turn `turn` at `offset` (UTF-16 code units), and offset 0 begins that text anew.
 */
export interface TaskOutputDelta {
  tenant_id: string;
  goal_id: string;
  task_id: string;
  task_key: string;
  turn: number;
  offset: number;
  text: string;
}

type DeltaListener = (delta: TaskOutputDelta, origin: EventOrigin) => void;

/** A watch names one goal of a tenant, or (goal `*`) every goal of it. */
export function watchKey(tenantId: string, goalId: string | null): string {
  return `${tenantId}/${goalId ?? '*'}`;
}

/**
 * The live output of running tasks: deltas go to this process's listeners (the WebSocket
 * fan-out, and with Redis the bridge that relays them to other processes). It also knows
 * whether anybody follows a goal: the goals this process's clients subscribed to, and the
 * ones other processes announce (kept for a while after their last announcement), so a
 * task nobody watches asks for a whole answer instead of a stream.
 */
@Injectable()
export class LiveOutput {
  private readonly listeners = new Set<DeltaListener>();
  private readonly watchListeners = new Set<(key: string) => void>();
  private readonly local = new Map<string, number>();
  /** Watches other processes announced, by key: until when they hold (ms since epoch). */
  private readonly remote = new Map<string, number>();

  publish(delta: TaskOutputDelta, origin: EventOrigin = 'local'): void {
    for (const listener of this.listeners) listener(delta, origin);
  }

  subscribe(listener: DeltaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts a client following a goal (or the whole tenant); the returned function ends it. */
  watch(tenantId: string, goalId: string | null): () => void {
    const key = watchKey(tenantId, goalId);
    const count = this.local.get(key) ?? 0;
    this.local.set(key, count + 1);
    if (count === 0) for (const listener of this.watchListeners) listener(key);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.local.get(key) ?? 1) - 1;
      if (left > 0) this.local.set(key, left);
      else this.local.delete(key);
    };
  }

  isWatched(tenantId: string, goalId: string): boolean {
    const goal = watchKey(tenantId, goalId);
    const tenant = watchKey(tenantId, null);
    if (this.local.has(goal) || this.local.has(tenant)) return true;
    if (this.remote.size === 0) return false;
    const now = Date.now();
    return (this.remote.get(goal) ?? 0) > now || (this.remote.get(tenant) ?? 0) > now;
  }

  /** The keys this process's clients watch. */
  watchedKeys(): string[] {
    return [...this.local.keys()];
  }

  /** Called with a key when this process's first client starts watching it. */
  onWatched(listener: (key: string) => void): () => void {
    this.watchListeners.add(listener);
    return () => this.watchListeners.delete(listener);
  }

  /** Watches another process announced; they hold for `ttlMs` unless announced again. */
  noteRemoteWatches(keys: readonly string[], ttlMs: number): void {
    const now = Date.now();
    for (const [key, until] of this.remote) if (until <= now) this.remote.delete(key);
    for (const key of keys) this.remote.set(key, now + ttlMs);
  }
}
