import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant dashboard settings saved from the dashboard (POST /dashboard/settings). */
export class DashboardSettings1764500000000 implements MigrationInterface {
  name = 'DashboardSettings1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_settings (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dashboard_settings`);
  }
}
