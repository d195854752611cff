import { inTransaction } from '../database/transaction';
import { GoalsService } from '../governor/goals.service';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { AgentSpawner } from './agent-spawner.service';

export function agentSpawnerQuotaSuite(product: InProcessApp): void {
  describe("a tenant's agents quota at spawn (in-memory PGlite)", () => {
    it('spawns no more agents than the quota lets run at once, and more once it is lifted', async () => {
      const tenants = product.app.get(TenantsService);
      const tenant = await tenants.create({
        slug: 'few-agents',
        name: 'Few agents',
        quotaOverrides: { agents: 2, goals_per_day: null },
      });
      const { goal_id } = await product.app
        .get(GoalsService)
        .submit(tenant.id, { goal: 'Count the swarm.' }, null);
      const spawner = product.app.get(AgentSpawner);
      const spawn = (count: number) =>
        inTransaction(product.dataSource, (uow) =>
          spawner.spawnWorkers(
            uow,
            tenant.id,
            goal_id,
            '00000000-0000-0000-0000-0000000000aa',
            count,
          ),
        );
      expect(await spawn(5)).toHaveLength(2);

      await tenants.update(tenant.id, { quotaOverrides: { agents: null } });
      expect((await spawn(3)).length).toBeGreaterThan(0);
    });
  });
}
