import { DomainError } from '#common';
import type { QuotaResource } from '../tenancy/tiers';

/** 429 `quota-exceeded`: names the resource, its limit and when it resets. */
export class QuotaExceeded extends DomainError {
  readonly retryAfterS: number | undefined;

  constructor(
    readonly resource: QuotaResource,
    limit: number,
    resetsAt: Date | null,
    now = new Date(),
  ) {
    super(
      429,
      'quota-exceeded',
      'Quota exceeded',
      `The tenant's ${resource} quota of ${limit} is used up${resetsAt ? `; it resets at ${resetsAt.toISOString()}` : ''}.`,
      { resource, limit, resets_at: resetsAt?.toISOString() ?? null },
    );
    this.retryAfterS = resetsAt
      ? Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000))
      : undefined;
  }
}
