import type { GoalEventRecord } from '../events/domain-events';

interface GoalState {
  lastSeq: number;
  lastId: number;
  held: Map<number, GoalEventRecord>;
  timer?: NodeJS.Timeout;
  touched: number;
}

export interface EventSequencerOptions {
  /** Emits events in per-goal sequence order. */
  emit(event: GoalEventRecord): void;
  /** Reads a goal's events after an id from the log (to fill a gap that does not close). */
  fetch(event: GoalEventRecord, afterId: number): Promise<GoalEventRecord[]>;
  /** How long an out-of-order event waits for the ones before it. */
  gapWaitMs: number;
  /** Goals remembered at most (least recently touched are forgotten). */
  maxGoals?: number;
}

/**
 * Puts the bus's events back into per-goal order before they fan out, once per process
 * instead of once per client. Events of one goal can be published out of order (hot-path
 * appends publish at once, transactional ones after commit; the Redis bridge relays each
 * process in its own order): an event ahead of the next expected sequence number is held
 * until the missing ones arrive, or, after `gapWaitMs`, the gap is read from the log once.
 * Duplicates are dropped. Each client's EventStream still checks its own order, so this
 * layer is about cost, not correctness.
 */
export class EventSequencer {
  private readonly goals = new Map<string, GoalState>();
  private readonly maxGoals: number;

  constructor(private readonly options: EventSequencerOptions) {
    this.maxGoals = options.maxGoals ?? 10_000;
  }

  push(event: GoalEventRecord): void {
    let state = this.goals.get(event.goal_id);
    if (!state) {
      // First sight of a goal: its stream starts here.
      state = { lastSeq: event.seq - 1, lastId: 0, held: new Map(), touched: Date.now() };
      this.goals.set(event.goal_id, state);
      this.evict();
    }
    state.touched = Date.now();
    if (event.seq <= state.lastSeq || state.held.has(event.seq)) return;
    if (event.seq === state.lastSeq + 1) {
      this.advance(state, event);
      this.drain(state);
      return;
    }
    state.held.set(event.seq, event);
    state.timer ??= setTimeout(
      () => void this.fillGap(event.goal_id, event),
      this.options.gapWaitMs,
    );
  }

  close(): void {
    for (const state of this.goals.values()) if (state.timer) clearTimeout(state.timer);
    this.goals.clear();
  }

  private advance(state: GoalState, event: GoalEventRecord): void {
    state.lastSeq = event.seq;
    state.lastId = event.id;
    this.options.emit(event);
  }

  private drain(state: GoalState): void {
    for (
      let next = state.held.get(state.lastSeq + 1);
      next;
      next = state.held.get(state.lastSeq + 1)
    ) {
      state.held.delete(next.seq);
      this.advance(state, next);
    }
    if (state.held.size === 0 && state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  private async fillGap(goalId: string, sample: GoalEventRecord): Promise<void> {
    const state = this.goals.get(goalId);
    if (!state) return;
    state.timer = undefined;
    if (state.held.size === 0) return;
    try {
      const missing = await this.options.fetch(sample, state.lastId);
      for (const event of missing) {
        if (event.seq === state.lastSeq + 1) this.advance(state, event);
        state.held.delete(event.seq);
        this.drain(state);
      }
    } catch {
      // The log could not be read: release what is held, in order (clients fill their own gaps).
    }
    if (state.held.size > 0) {
      for (const seq of [...state.held.keys()].sort((a, b) => a - b)) {
        const event = state.held.get(seq)!;
        state.held.delete(seq);
        if (seq > state.lastSeq) this.advance(state, event);
      }
    }
  }

  private evict(): void {
    if (this.goals.size <= this.maxGoals) return;
    let oldest: string | undefined;
    let oldestAt = Infinity;
    for (const [id, state] of this.goals)
      if (state.touched < oldestAt && state.held.size === 0) {
        oldest = id;
        oldestAt = state.touched;
      }
    if (oldest) this.goals.delete(oldest);
  }
}
