/** Runs async work with at most `limit` in flight at once. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (limit < 1) throw new RangeError('limit must be at least 1');
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => resolve()));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}

interface PendingWrite<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items added during one turn of the event loop (say, the replies of a
 * swarm's model calls that arrived together) are written together on the next turn, and
 * items that arrive while a write is in flight go into the next write. `add` resolves once
 * its own item is stored; when a batch fails, its items are retried one by one, so each
 * caller gets its own outcome. `write` may answer each item (in order): `add` resolves to
 * its item's answer.
 */
export class WriteBatcher<T, R = void> {
  private pending: Array<PendingWrite<T, R>> = [];
  private draining = false;
  private wakeHeld?: () => void;

  /**
   * `hold`: while it answers true, a batch waits for more items (more are known to be on
   * their way), up to `maxHoldMs`; call `recheck()` when its answer may have changed.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly maxBatch = 200,
    private readonly holding: { hold: () => boolean; maxHoldMs: number } | undefined = undefined,
  ) {
    if (maxBatch < 1) throw new RangeError('maxBatch must be at least 1');
  }

  /** Lets a held batch go as soon as `hold` no longer answers true. */
  recheck(): void {
    this.wakeHeld?.();
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      await this.whileHeld();
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve((results ?? [])[i] as R));
      } catch (error) {
        if (batch.length === 1) batch[0].reject(error);
        else
          for (const p of batch)
            await this.write([p.item]).then((r) => p.resolve((r ?? [])[0] as R), p.reject);
      }
    }
    this.draining = false;
  }

  private async whileHeld(): Promise<void> {
    if (!this.holding) return;
    const deadline = Date.now() + this.holding.maxHoldMs;
    while (this.holding.hold() && this.pending.length < this.maxBatch && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wakeHeld = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeHeld = undefined;
    }
  }
}
