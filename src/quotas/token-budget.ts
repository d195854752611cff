import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import { TenantDirectory } from '../tenancy/tenant-directory';
import { resetsAt } from './quota-windows';

/** A model call refused because the tenant's tokens of the day are spent. */
export class TokenBudgetSpent extends DomainError {
  constructor(limit: number, until: Date) {
    super(
      429,
      'quota-exceeded',
      'Quota exceeded',
      `the tenant's daily token budget of ${limit} tokens is spent; it resets at ${until.toISOString()}`,
      { resource: 'tokens_per_day', limit, resets_at: until.toISOString() },
    );
  }
}

/**
 * The tenants' daily token budgets as this process has seen them: every stored model call
 * reports the tenant's tokens of the day (one counter for all processes), and once they
 * reach the limit every further call of that tenant is refused here, without a database
 * round trip, until the day turns. Tokens cannot be refused before they are spent, so a
 * budget is passed by at most the calls in flight when it ran out.
 */
@Injectable()
export class TokenBudget implements OnModuleDestroy {
  private readonly spent = new Map<string, { limit: number; until: Date }>();

  // a changed tenant (a higher quota, another tier) is judged afresh at its next call
  private readonly onTenantChanged = (tenantId: string) => this.spent.delete(tenantId);

  constructor(private readonly directory: TenantDirectory) {
    accessInvalidation.on('tenant', this.onTenantChanged);
  }

  onModuleDestroy(): void {
    accessInvalidation.off('tenant', this.onTenantChanged);
  }

  async observe(tenantId: string, usedToday: number, now = new Date()): Promise<void> {
    const limit = (await this.directory.lookup(tenantId))?.quotas.tokens_per_day ?? null;
    if (limit !== null && usedToday >= limit)
      this.spent.set(tenantId, { limit, until: resetsAt('day', now)! });
    else this.spent.delete(tenantId);
  }

  /** Throws TokenBudgetSpent when the tenant's tokens of today are spent. */
  assertAvailable(tenantId: string, now = new Date()): void {
    const spent = this.spent.get(tenantId);
    if (!spent) return;
    if (spent.until <= now) {
      this.spent.delete(tenantId);
      return;
    }
    throw new TokenBudgetSpent(spent.limit, spent.until);
  }
}
