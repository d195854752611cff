import type { GoalEventRecord } from '../events/domain-events';

/** What a stream needs from the outside world; kept abstract so the logic is testable without Nest. */
export interface EventStreamSource {
  /** Events of one goal after an id, ordered, at most `limit`. */
  goalEvents(goalId: string, afterId: number, limit: number): Promise<GoalEventRecord[]>;
  /** Events of the whole tenant after an id, ordered, at most `limit`. */
  tenantEvents(afterId: number, limit: number): Promise<GoalEventRecord[]>;
  /** The goal's sequence number at an event id (0 before its first event). */
  seqAt(goalId: string, eventId: number): Promise<number>;
}

export interface EventStreamOptions {
  tenantId: string;
  source: EventStreamSource;
  /** Sends one event to the client; false means the client is gone or was cut off. */
  send(event: GoalEventRecord): boolean;
  /**
   * Sends a run of consecutive events of one goal at once (see `offerRun`); false as for
   * `send`. Without it a run goes event by event.
   */
  sendRun?(run: readonly GoalEventRecord[]): boolean;
  /** Called once when the backlog of undelivered work exceeds `maxBacklog`. */
  overflow(): void;
  /**
   * Marks a goal (or, for null, every goal of the tenant) as followed while subscribed, so
   * running tasks stream their output; the returned function ends the mark.
   */
  watch?(goalId: string | null): () => void;
  maxBacklog: number;
  pageSize?: number;
}

interface Cursor {
  seq: number;
  id: number;
}

/**
 * One client's view of the goal event stream: subscriptions (single goals or the whole
 * tenant), replay from the event log, and live events, delivered exactly once and in order
 * per goal.
 *
 * Every unit of work (a subscription's replay, a live event) runs in one serial chain, so a
 * replay and the live events that race it are merged by the per-goal sequence number: an
 * event at or below the goal's cursor is a duplicate and dropped; the next one is sent; a
 * jump ahead means an event has not reached this process yet (another process committed
 * it), so the gap is read from the log before the event is sent.
 */
export class EventStream {
  private readonly goals = new Set<string>();
  private tenantWide = false;
  private readonly cursors = new Map<string, Cursor>();
  /** The end of each watch this stream holds, by goal id (`*`: the tenant). */
  private readonly watches = new Map<string, () => void>();
  private chain: Promise<void> = Promise.resolve();
  private backlog = 0;
  private closed = false;
  private readonly pageSize: number;

  constructor(private readonly options: EventStreamOptions) {
    this.pageSize = options.pageSize ?? 500;
  }

  get subscriptions(): { goals: string[]; tenant: boolean } {
    return { goals: [...this.goals], tenant: this.tenantWide };
  }

  /** Subscribes to one goal; replays its events after `lastEventId` (all of them when omitted). */
  subscribeGoal(goalId: string, lastEventId?: number): Promise<number> {
    this.goals.add(goalId);
    this.startWatch(goalId);
    return this.enqueue(async () => {
      const after = lastEventId ?? 0;
      const seq = after > 0 ? await this.options.source.seqAt(goalId, after) : 0;
      const current = this.cursors.get(goalId);
      if (!current || current.seq < seq) this.cursors.set(goalId, { seq, id: after });
      return this.catchUp(goalId);
    });
  }

  /**
   * Subscribes to every goal of the tenant. With `lastEventId` the tenant's events after it
   * are replayed first; without it only new events follow.
   */
  subscribeTenant(lastEventId?: number): Promise<number> {
    this.tenantWide = true;
    this.startWatch(null);
    return this.enqueue(async () => {
      if (lastEventId === undefined) return 0;
      let after = lastEventId;
      let sent = 0;
      for (;;) {
        const page = await this.options.source.tenantEvents(after, this.pageSize);
        for (const event of page) sent += await this.deliver(event);
        if (page.length < this.pageSize || this.closed) return sent;
        after = page[page.length - 1].id;
      }
    });
  }

  unsubscribeGoal(goalId: string): void {
    this.goals.delete(goalId);
    this.endWatch(goalId);
  }

  unsubscribeTenant(): void {
    this.tenantWide = false;
    this.endWatch(null);
  }

  /**
   * Offers a message that is not a goal event (a running task's output delta): sent when
   * the client follows the goal, right away or, when work is queued before it, after that
   * work, so it keeps its place among the events already on their way. It moves no cursor.
   */
  offerLive(tenantId: string, goalId: string, send: () => boolean): void {
    if (this.closed || tenantId !== this.options.tenantId) return;
    if (!this.tenantWide && !this.goals.has(goalId)) return;
    if (this.backlog === 0) {
      if (!send()) this.close();
      return;
    }
    void this.enqueue(() => {
      if (!send()) this.close();
      return Promise.resolve(0);
    });
  }

  /** Offers a committed event (from the bus); ignored unless subscribed. */
  offer(event: GoalEventRecord): void {
    if (this.closed || event.tenant_id !== this.options.tenantId) return;
    if (!this.tenantWide && !this.goals.has(event.goal_id)) return;
    // Fast path: nothing queued and the event is the next of its goal (or a goal's first).
    if (this.backlog === 0) {
      const cursor = this.cursors.get(event.goal_id);
      if (!cursor || event.seq === cursor.seq + 1) {
        if (!cursor) this.cursors.set(event.goal_id, { seq: event.seq - 1, id: 0 });
        this.sendInOrder(event);
        return;
      }
      if (event.seq <= cursor.seq) return;
    }
    void this.enqueue(async () => {
      await this.deliver(event);
      return 0;
    });
  }

  /**
   * Offers a run of committed events of one goal with consecutive sequence numbers, as the
   * sequencer releases them. When this client takes the whole run (subscribed, nothing
   * queued, the run follows its cursor) it leaves in one `sendRun`, which costs one check
   * per run instead of one per event: the fan-out's inner loop runs once per client per
   * run. Otherwise each event is offered on its own.
   */
  offerRun(run: readonly GoalEventRecord[]): void {
    const first = run[0];
    if (!first) return;
    if (run.length > 1 && this.options.sendRun && this.backlog === 0 && !this.closed) {
      if (first.tenant_id !== this.options.tenantId || !this.wants(first)) return;
      const cursor = this.cursors.get(first.goal_id);
      if (!cursor || first.seq === cursor.seq + 1) {
        const last = run[run.length - 1];
        if (cursor) {
          cursor.seq = last.seq;
          cursor.id = last.id;
        } else this.cursors.set(first.goal_id, { seq: last.seq, id: last.id });
        if (!this.options.sendRun(run)) this.close();
        return;
      }
    }
    for (const event of run) this.offer(event);
  }

  close(): void {
    this.closed = true;
    this.goals.clear();
    this.tenantWide = false;
    for (const end of this.watches.values()) end();
    this.watches.clear();
  }

  /** Resolves when every queued unit of work has run (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(work: () => Promise<number>): Promise<number> {
    this.backlog++;
    if (this.backlog > this.options.maxBacklog && !this.closed) {
      this.close();
      this.options.overflow();
    }
    const result = this.chain.then(async () => {
      try {
        return this.closed ? 0 : await work();
      } finally {
        this.backlog--;
      }
    });
    this.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private startWatch(goalId: string | null): void {
    const key = goalId ?? '*';
    if (this.closed || !this.options.watch || this.watches.has(key)) return;
    this.watches.set(key, this.options.watch(goalId));
  }

  private endWatch(goalId: string | null): void {
    const key = goalId ?? '*';
    this.watches.get(key)?.();
    this.watches.delete(key);
  }

  private wants(event: GoalEventRecord): boolean {
    return this.tenantWide || this.goals.has(event.goal_id);
  }

  /** Sends everything of the goal after its cursor, from the log. */
  private async catchUp(goalId: string): Promise<number> {
    let sent = 0;
    for (;;) {
      const cursor = this.cursors.get(goalId)!;
      const page = await this.options.source.goalEvents(goalId, cursor.id, this.pageSize);
      for (const event of page) sent += this.sendInOrder(event);
      if (page.length < this.pageSize || this.closed) return sent;
    }
  }

  private async deliver(event: GoalEventRecord): Promise<number> {
    if (this.closed || !this.wants(event)) return 0;
    const cursor = this.cursors.get(event.goal_id);
    if (!cursor) {
      // A goal first seen on a tenant-wide subscription: its stream starts here.
      this.cursors.set(event.goal_id, { seq: event.seq - 1, id: 0 });
      return this.sendInOrder(event);
    }
    if (event.seq <= cursor.seq) return 0;
    if (event.seq === cursor.seq + 1) return this.sendInOrder(event);
    // A gap: the missing events were committed before this one; read them from the log.
    const sent = await this.catchUp(event.goal_id);
    return sent + this.sendInOrder(event);
  }

  private sendInOrder(event: GoalEventRecord): number {
    const cursor = this.cursors.get(event.goal_id);
    if (this.closed || (cursor && event.seq <= cursor.seq)) return 0;
    // moved in place: this runs once per event per client, the fan-out's inner loop
    if (cursor) {
      cursor.seq = event.seq;
      cursor.id = event.id;
    } else this.cursors.set(event.goal_id, { seq: event.seq, id: event.id });
    if (!this.options.send(event)) {
      this.close();
      return 0;
    }
    return 1;
  }
}

/**
 * Splits events, as released in per-goal order, into runs of one goal with consecutive
 * sequence numbers (the unit `EventStream.offerRun` takes).
 */
export function consecutiveRuns(events: readonly GoalEventRecord[]): GoalEventRecord[][] {
  const runs: GoalEventRecord[][] = [];
  let run: GoalEventRecord[] | undefined;
  for (const event of events) {
    const last = run?.[run.length - 1];
    if (run && last && last.goal_id === event.goal_id && event.seq === last.seq + 1)
      run.push(event);
    else runs.push((run = [event]));
  }
  return runs;
}
