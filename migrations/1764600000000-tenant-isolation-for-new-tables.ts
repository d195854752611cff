import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/** Tenant-owned tables added after the identity migration, under the same RLS policy. */
const TABLES = [
  'approvals',
  'memory_entities',
  'memory_relations',
  'evolution_variants',
  'evolution_trials',
  'dashboard_settings',
];

export class TenantIsolationForNewTables1764600000000 implements MigrationInterface {
  name = 'TenantIsolationForNewTables1764600000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
    await q.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${TENANT_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
  }
}
