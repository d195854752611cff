import { Inject, Injectable } from '@nestjs/common';
import type { LimitDecision, LimitSpec } from './algorithms/limit';
import { RATE_LIMIT_STORE, type RateLimitStore } from './storage/rate-limit.store';

/** One limit on one counter: `rule` names it in headers and errors. */
export interface LimitCheck {
  rule: string;
  key: string;
  spec: LimitSpec;
}

export interface LimitVerdict {
  allowed: boolean;
  rule: string;
  decision: LimitDecision;
}

/**
 * Counts a request against every limit that applies, in one round trip. The request
 * passes only if every limit lets it; a refused request gives back what it took from the
 * others, so no limit spends on a request that did not happen.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  /** How much of a limit its counter holds now, without taking any. */
  async used(check: LimitCheck): Promise<number> {
    const [decision] = await this.store.hit([
      { key: `${check.rule}:${check.key}`, spec: check.spec, cost: 0 },
    ]);
    return decision.limit - decision.remaining;
  }

  /** Undefined when there is nothing to check. The verdict names the refusing or tightest limit. */
  async check(checks: readonly LimitCheck[]): Promise<LimitVerdict | undefined> {
    if (checks.length === 0) return undefined;
    const hits = checks.map((c) => ({ key: `${c.rule}:${c.key}`, spec: c.spec, cost: 1 }));
    const decisions = await this.store.hit(hits);
    const verdicts = checks.map((c, i) => ({
      allowed: decisions[i].allowed,
      rule: c.rule,
      decision: decisions[i],
    }));
    const refused = verdicts.filter((v) => !v.allowed);
    if (refused.length === 0)
      return verdicts.reduce((a, b) => (b.decision.remaining < a.decision.remaining ? b : a));
    const taken = hits.filter((_, i) => decisions[i].allowed);
    if (taken.length) await this.store.hit(taken.map((h) => ({ ...h, cost: -1 })));
    return refused.reduce((a, b) => (b.decision.retryAfterMs > a.decision.retryAfterMs ? b : a));
  }
}
