import { applyLimit, type CounterState } from '../algorithms/apply-limit';
import { type Clock, type LimitDecision, systemClock } from '../algorithms/limit';
import type { CounterHit, RateLimitStore } from './rate-limit.store';

interface Entry {
  state: CounterState;
  expiresAt: number;
}

/** Counters of one process (the embedded mode, and the fallback while Redis is away). */
export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly maxKeys = 100_000,
  ) {}

  hit(hits: readonly CounterHit[]): Promise<LimitDecision[]> {
    return Promise.resolve(hits.map((h) => this.hitOne(h)));
  }

  hitOne({ key, spec, cost }: CounterHit): LimitDecision {
    const now = this.clock.now();
    const entry = this.counters.get(key);
    const live = entry && entry.expiresAt > now ? entry.state : undefined;
    const outcome = applyLimit(live, spec, now, cost);
    if (!entry) this.makeRoom(now);
    this.counters.set(key, { state: outcome.state, expiresAt: now + outcome.ttlMs });
    return outcome.decision;
  }

  private makeRoom(now: number): void {
    if (this.counters.size < this.maxKeys) return;
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
    if (this.counters.size < this.maxKeys) return;
    const oldest = this.counters.keys().next().value;
    if (oldest !== undefined) this.counters.delete(oldest);
  }
}
