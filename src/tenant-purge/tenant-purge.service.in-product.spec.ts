import { uuidv7 } from '#common';
import { AuditWriter } from '../audit/audit-writer';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { affectedBy, db, rowsOf } from '../database/query-builder';
import { GoalsService } from '../governor/goals.service';
import { TenantRepository } from '../tenancy/tenant.repository';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { TenantPurgeRepository } from './tenant-purge.repository';
import { TenantPurge } from './tenant-purge.service';
import { TenantTables, type TenantTablePlan } from './tenant-tables';
import { settledGoal } from '../testing/settled-goal';

/** Tables the fixtures fill for every tenant: each must hold rows before the purge. */
const FILLED = [
  'users',
  'api_keys',
  'user_sessions',
  'mfa_methods',
  'roles',
  'role_assignments',
  'tenant_usage',
  'dashboard_settings',
  'memories',
  'memory_entities',
  'llm_calls',
  'agent_profiles',
  'goals',
  'tasks',
  'goal_events',
  'later_notes',
  'goal_annotations',
];

/**
 * Tables a later migration might add: one with `tenant_id` and no foreign key, one without
 * `tenant_id` whose rows belong to a tenant through a goal.
 */
const LATER_TABLES = [
  `CREATE TABLE later_notes (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, note text NOT NULL)`,
  `CREATE TABLE goal_annotations (
     id serial PRIMARY KEY, goal_id uuid NOT NULL REFERENCES goals(id), note text NOT NULL)`,
];

export function tenantPurgeSuite(product: InProcessApp): void {
  describe('TenantPurge (in-memory PGlite with every migration)', () => {
    let goals: GoalsService;
    let tenantsService: TenantsService;
    let purge: TenantPurge;
    let catalog: TenantPurgeRepository;
    let plan: TenantTablePlan;

    beforeAll(async () => {
      goals = product.app.get(GoalsService);
      tenantsService = product.app.get(TenantsService);
      for (const ddl of LATER_TABLES) await product.dataSource.query(ddl);
      catalog = new TenantPurgeRepository();
      const tables = new TenantTables(catalog);
      const tenants = new TenantRepository(product.dataSource);
      purge = new TenantPurge(product.dataSource, tenants, catalog, tables);
      plan = await tables.discover(product.dataSource);
    }, 60_000);

    const settled = (tenantId: string, goalId: string) => settledGoal(goals, tenantId, goalId);

    /** A tenant with rows in many tables: a real goal run, plus identity and usage rows. */
    async function populatedTenant(slug: string): Promise<string> {
      const { id: tenantId } = await tenantsService.create({ slug, name: slug });
      const ds = product.dataSource;
      const userId = uuidv7();
      await rowsOf(
        ds,
        db
          .insertInto('users')
          .values({ id: userId, tenant_id: tenantId, email: `a@${slug}.test`, display_name: 'A' }),
      );
      await rowsOf(
        ds,
        db.insertInto('api_keys').values({
          id: uuidv7(),
          tenant_id: tenantId,
          key_id: `key-${slug}`,
          secret_hash: 'x',
          name: 'k',
          type: 'personal',
          owner_user_id: userId,
          rate_limit_per_minute: 1,
          rate_limit_per_hour: 1,
          rate_limit_per_day: 1,
          rate_limit_burst: 1,
        }),
      );
      await rowsOf(
        ds,
        db.insertInto('user_sessions').values({
          id: uuidv7(),
          tenant_id: tenantId,
          user_id: userId,
          token_hash: `token-${slug}`,
          expires_at: new Date(Date.now() + 3_600_000),
        }),
      );
      await rowsOf(
        ds,
        db.insertInto('mfa_methods').values({
          id: uuidv7(),
          tenant_id: tenantId,
          user_id: userId,
          kind: 'totp',
          status: 'active',
        }),
      );
      await rowsOf(
        ds,
        db.insertInto('roles').values({ id: uuidv7(), tenant_id: tenantId, name: 'r' }),
      );
      await rowsOf(
        ds,
        db
          .insertInto('role_assignments')
          .values({ id: uuidv7(), tenant_id: tenantId, user_id: userId, role: 'r' }),
      );
      await rowsOf(
        ds,
        db
          .insertInto('tenant_usage')
          .values({ tenant_id: tenantId, resource: 'goals', window_start: new Date(), used: 3 }),
      );
      await rowsOf(ds, db.insertInto('dashboard_settings').values({ tenant_id: tenantId }));
      await rowsOf(
        ds,
        db
          .insertInto('memories')
          .values({ id: uuidv7(), tenant_id: tenantId, kind: 'semantic', content: 'cats purr' }),
      );
      await rowsOf(
        ds,
        db
          .insertInto('memory_entities')
          .values({ id: uuidv7(), tenant_id: tenantId, name: 'cat', type: 'animal' }),
      );
      await rowsOf(
        ds,
        db.insertInto('llm_calls').values({
          id: uuidv7(),
          tenant_id: tenantId,
          purpose: 'plan',
          provider: 'offline',
          model: 'offline',
          status: 'ok',
        }),
      );
      const { goal_id } = await goals.submit(
        tenantId,
        { goal: 'Research cats. Research dogs.' },
        userId,
      );
      await settled(tenantId, goal_id);
      // the goal's audit entries are stored by a timer: before any counting, not between counts
      await product.app.get(AuditWriter).flush();
      await ds.query(`INSERT INTO later_notes VALUES ($1, $2, 'n')`, [uuidv7(), tenantId]);
      await ds.query(`INSERT INTO goal_annotations (goal_id, note) VALUES ($1, 'n')`, [goal_id]);
      return tenantId;
    }

    async function counts(tenantId: string): Promise<Record<string, number>> {
      const result: Record<string, number> = {};
      for (const table of plan.deletionOrder) {
        result[table.name] = await catalog.countOwned(
          product.dataSource,
          plan.schema,
          table,
          tenantId,
        );
      }
      return result;
    }

    async function markDeleted(tenantId: string, purgeAfter: Date): Promise<void> {
      await affectedBy(
        product.dataSource,
        db
          .updateTable('tenants')
          .set({ status: 'DELETED', deleted_at: new Date(), purge_after: purgeAfter })
          .where('id', '=', tenantId),
      );
    }

    const past = () => new Date(Date.now() - 60_000);
    const tenantExists = (id: string) => tenantsService.findByRef(id).then(Boolean);

    it('discovers every table with tenant_id, children before their parents', async () => {
      const withTenantId = (await catalog.tables(product.dataSource))
        .filter((t) => t.has_tenant_id)
        .map((t) => t.name);
      const names = plan.deletionOrder.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['goals', 'users', 'tenant_usage', ...FILLED]));
      expect(names).toEqual(expect.arrayContaining(withTenantId));
      expect(names).not.toContain('tenants');
      const before = (child: string, parent: string) =>
        expect(names.indexOf(child)).toBeLessThan(names.indexOf(parent));
      before('tasks', 'goals');
      before('mfa_methods', 'users');
      before('api_keys', 'users');
      before('memory_relations', 'memory_entities');
      before('evolution_trials', 'evolution_variants');
      before('goal_annotations', 'goals');
      expect(plan.deletionOrder.find((t) => t.name === 'goal_annotations')?.owner).toMatchObject({
        by: 'references',
        keys: [{ columns: ['goal_id'], parent: { name: 'goals' }, parent_columns: ['id'] }],
      });
    });

    it('purges every row of the deleted tenant and nothing of another', async () => {
      const doomed = await populatedTenant('doomed');
      const kept = await populatedTenant('kept');
      const doomedBefore = await counts(doomed);
      const keptBefore = await counts(kept);
      expect(FILLED.filter((table) => !(doomedBefore[table] > 0))).toEqual([]);
      expect(FILLED.filter((table) => !(keptBefore[table] > 0))).toEqual([]);

      await markDeleted(doomed, past());
      const report = await purge.purge(doomed);

      expect(await counts(doomed)).toEqual(
        Object.fromEntries(Object.keys(doomedBefore).map((table) => [table, 0])),
      );
      expect(await counts(kept)).toEqual(keptBefore);
      expect(report.tables).toEqual({ ...doomedBefore, tenants: 1 });
      expect(await tenantExists(doomed)).toBe(false);
      expect(await tenantExists(kept)).toBe(true);
    }, 60_000);

    it('refuses an active tenant and deletes nothing', async () => {
      const active = await populatedTenant('active');
      const before = await counts(active);
      await expect(purge.purge(active)).rejects.toThrow(/only a DELETED tenant is purged/);
      expect(await counts(active)).toEqual(before);
      expect(await tenantExists(active)).toBe(true);
    }, 60_000);

    it('refuses the default tenant', async () => {
      await markDeleted(DEFAULT_TENANT_ID, past());
      try {
        await expect(purge.purge(DEFAULT_TENANT_ID)).rejects.toThrow(/default tenant/);
        expect(await tenantExists(DEFAULT_TENANT_ID)).toBe(true);
      } finally {
        await affectedBy(
          product.dataSource,
          db
            .updateTable('tenants')
            .set({ status: 'ACTIVE', deleted_at: null, purge_after: null })
            .where('id', '=', DEFAULT_TENANT_ID),
        );
      }
    });

    it('purgeDue purges only the deleted tenants whose purge date has passed', async () => {
      const due = (await tenantsService.create({ slug: 'due', name: 'Due' })).id;
      const later = (await tenantsService.create({ slug: 'later', name: 'Later' })).id;
      const active = (await tenantsService.create({ slug: 'alive', name: 'Alive' })).id;
      await markDeleted(due, past());
      await markDeleted(later, new Date(Date.now() + 86_400_000));

      const report = await purge.purgeDue();

      expect(report.failed).toEqual([]);
      expect(report.purged.map((p) => p.tenantId)).toEqual([due]);
      expect(await tenantExists(due)).toBe(false);
      expect(await tenantExists(later)).toBe(true);
      expect(await tenantExists(active)).toBe(true);
    });
  });
}
