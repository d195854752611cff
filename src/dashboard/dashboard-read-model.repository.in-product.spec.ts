import { PlatformGaugeRepository } from '../metrics/platform-gauge.repository';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { DashboardReadModelRepository, type HourlySeries } from './dashboard-read-model.repository';

export function dashboardReadModelSuite(product: InProcessApp): void {
  describe('dashboard read model and platform gauges in process (in-memory PGlite)', () => {
    let tenantId: string;

    beforeAll(async () => {
      tenantId = (await product.app.get(TenantsService).create({ slug: 'reads', name: 'Reads' }))
        .id;
    });

    it('answers zeros and empty series for a tenant without goals', async () => {
      const readModel = new DashboardReadModelRepository(product.dataSource);
      const totals = await readModel.goalTotals(tenantId);
      expect(Object.values(totals).map(Number)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect((await readModel.agentTotals(tenantId)).total).toEqual(expect.anything());
      expect(await readModel.activeGoals(tenantId, 10)).toEqual([]);
      expect(await readModel.recentGoals(tenantId, 10)).toEqual([]);
      expect(
        await readModel.currentTasks(tenantId, ['00000000-0000-0000-0000-0000000000f1']),
      ).toEqual([]);
      expect(await readModel.agentActivity(tenantId, 10)).toEqual([]);
      expect(await readModel.goalStatusCounts(tenantId)).toEqual([]);
      expect(await readModel.agentKinds(tenantId)).toEqual([]);
      expect(Number((await readModel.goalOutcomes(tenantId)).completed)).toBe(0);
      const series: HourlySeries[] = [
        'goalsCreated',
        'goalsCompleted',
        'goalsFailed',
        'tasksCompleted',
        'successRate',
        'durationMs',
        'tokens',
      ];
      for (const name of series)
        expect(await readModel.hourly(name, tenantId, new Date(Date.now() - 3600_000))).toEqual([]);
    });

    it('reads the platform gauges across tenants', async () => {
      const gauges = new PlatformGaugeRepository(product.dataSource);
      expect(Array.isArray(await gauges.unfinishedGoalsByStatus())).toBe(true);
      expect(Array.isArray(await gauges.runningAgentsByKind())).toBe(true);
    });
  });
}
