import { accessInvalidation } from '../common/access-invalidation';
import { GoalsService } from '../governor/goals.service';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { QuotaExceeded } from './quota-errors';
import { QuotaService } from './quota.service';
import { TokenBudget, TokenBudgetSpent } from './token-budget';

export function quotaServiceSuite(product: InProcessApp): void {
  describe('tenant quotas in process (in-memory PGlite)', () => {
    let tenants: TenantsService;
    let quotas: QuotaService;

    beforeAll(async () => {
      tenants = product.app.get(TenantsService);
      quotas = product.app.get(QuotaService);
    });

    it('creates exactly the goals/day quota from concurrent submissions and refuses the rest', async () => {
      const tenant = await tenants.create({
        slug: 'daily',
        name: 'Daily',
        quotaOverrides: { goals_per_day: 3 },
      });
      const goals = product.app.get(GoalsService);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          goals.submit(tenant.id, { goal: `Say hi ${i}.` }, null),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
      const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(refusals).toHaveLength(3);
      for (const refusal of refusals) {
        expect(refusal).toBeInstanceOf(QuotaExceeded);
        expect(refusal).toMatchObject({ status: 429, resource: 'goals_per_day' });
      }
      expect((await goals.list(tenant.id, undefined)).total).toBe(3);
      const report = await quotas.report(tenant.id);
      expect(report.find((q) => q.resource === 'goals_per_day')).toMatchObject({
        limit: 3,
        used: 3,
        remaining: 0,
        percent: 100,
      });
      // a new submission with an idempotency key is refused like any other
      const first = await goals
        .submit(tenant.id, { goal: 'Again.' }, null, 'key-1')
        .catch((e) => e);
      expect(first).toBeInstanceOf(QuotaExceeded);
    });

    it('counts a goal submitted again with its idempotency key once, at once or later', async () => {
      const tenant = await tenants.create({
        slug: 'replayed',
        name: 'Replayed',
        quotaOverrides: { goals_per_day: 2 },
      });
      const goals = product.app.get(GoalsService);
      const together = await Promise.all(
        Array.from({ length: 4 }, () =>
          goals.submit(tenant.id, { goal: 'Only once.' }, null, 'same-key'),
        ),
      );
      expect(new Set(together.map((t) => t.goal_id)).size).toBe(1);
      const later = await goals.submit(tenant.id, { goal: 'Only once.' }, null, 'same-key');
      expect(later.goal_id).toBe(together[0].goal_id);
      const used = async () =>
        (await quotas.report(tenant.id)).find((q) => q.resource === 'goals_per_day')!.used;
      expect(await used()).toBe(1);
      // the one place left is still there for a different goal
      await goals.submit(tenant.id, { goal: 'Another.' }, null, 'other-key');
      expect(await used()).toBe(2);
      await expect(goals.submit(tenant.id, { goal: 'Third.' }, null)).rejects.toBeInstanceOf(
        QuotaExceeded,
      );
      // a replay of a stored goal is answered even when the quota is used up
      const replay = await goals.submit(tenant.id, { goal: 'Another.' }, null, 'other-key');
      expect(replay.goal_id).not.toBe(together[0].goal_id);
      expect((await goals.list(tenant.id, undefined)).total).toBe(2);
    });

    it('counts storage in bytes against the MB quota and refuses a write that does not fit', async () => {
      const tenant = await tenants.create({
        slug: 'store',
        name: 'Store',
        quotaOverrides: { storage_mb: 1 },
      });
      const executor = product.dataSource.manager;
      await quotas.consume(executor, tenant.id, 'storage_mb', 600_000);
      await expect(
        quotas.consume(executor, tenant.id, 'storage_mb', 600_000),
      ).rejects.toMatchObject({
        resource: 'storage_mb',
        extensions: expect.objectContaining({ limit: 1 }) as unknown,
      });
      await quotas.releaseStorage(tenant.id, 500_000);
      await quotas.consume(executor, tenant.id, 'storage_mb', 600_000);
      const storage = (await quotas.report(tenant.id)).find((q) => q.resource === 'storage_mb');
      expect(storage).toMatchObject({ limit: 1, used: 1, resetsAt: null });
    });

    it('a spent token budget refuses further calls until the tenant changes or the day turns', async () => {
      const tenant = await tenants.create({
        slug: 'tokens',
        name: 'Tokens',
        quotaOverrides: { tokens_per_day: 1000 },
      });
      const budget = product.app.get(TokenBudget);
      await budget.observe(tenant.id, 999);
      expect(() => budget.assertAvailable(tenant.id)).not.toThrow();
      await budget.observe(tenant.id, 1000);
      expect(() => budget.assertAvailable(tenant.id)).toThrow(TokenBudgetSpent);
      const tomorrow = new Date(Date.now() + 86_400_000);
      expect(() => budget.assertAvailable(tenant.id, tomorrow)).not.toThrow();
      await budget.observe(tenant.id, 1000);
      await accessInvalidation.tenantChanged(tenant.id);
      expect(() => budget.assertAvailable(tenant.id)).not.toThrow();
    });

    it('a tenant without limits is counted but never refused', async () => {
      const tenant = await tenants.create({
        slug: 'open',
        name: 'Open',
        quotaOverrides: { goals_per_day: null },
      });
      const goals = product.app.get(GoalsService);
      for (let i = 0; i < 12; i++) await goals.submit(tenant.id, { goal: `Hello ${i}.` }, null);
      const report = await quotas.report(tenant.id);
      expect(report.find((q) => q.resource === 'goals_per_day')).toMatchObject({
        limit: null,
        used: 12,
        remaining: null,
        percent: null,
      });
    });
  });
}
