import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * Tenants get a tier, a lifecycle (PENDING, ACTIVE, SUSPENDED, DELETED with a purge date),
 * per-tenant quota overrides and configuration; `tenant_usage` counts what a tenant used
 * per resource and window, so a quota is checked and consumed in one statement. Goals of a
 * suspended tenant wait in the status `paused`.
 */
export class TenantLifecycleAndQuotas1765200000000 implements MigrationInterface {
  name = 'TenantLifecycleAndQuotas1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE tenants SET status = upper(status)`);
    await q.query(`
      ALTER TABLE tenants
        ALTER COLUMN status SET DEFAULT 'ACTIVE',
        ADD CONSTRAINT tenants_status_check
          CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED', 'DELETED')),
        ADD COLUMN tier text NOT NULL DEFAULT 'FREE'
          CHECK (tier IN ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE')),
        ADD COLUMN quota_overrides jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN config jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN owner_email text,
        ADD COLUMN status_reason text,
        ADD COLUMN status_changed_at timestamptz,
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN purge_after timestamptz,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    // the installation's own tenant: no quota unless an administrator sets one
    await q.query(`
      UPDATE tenants SET tier = 'ENTERPRISE',
        quota_overrides = '{"goals_per_day": null, "tokens_per_day": null, "agents": null, "workers": null, "storage_mb": null, "api_calls_per_minute": null}'
      WHERE slug = 'default'`);
    await q.query(
      `CREATE INDEX tenants_purge_idx ON tenants (purge_after) WHERE status = 'DELETED'`,
    );

    await q.query(`
      CREATE TABLE tenant_usage (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        resource text NOT NULL,
        window_start timestamptz NOT NULL,
        used bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, resource, window_start)
      )`);
    await q.query(`ALTER TABLE tenant_usage ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON tenant_usage
        USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_usage TO ${TENANT_DB_ROLE}`);

    await q.query(`ALTER TABLE goals ADD COLUMN paused_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE goals DROP COLUMN paused_at`);
    await q.query(`DROP TABLE tenant_usage`);
    await q.query(`DROP INDEX tenants_purge_idx`);
    await q.query(`
      ALTER TABLE tenants
        DROP CONSTRAINT tenants_status_check,
        DROP COLUMN tier, DROP COLUMN quota_overrides, DROP COLUMN config,
        DROP COLUMN owner_email, DROP COLUMN status_reason, DROP COLUMN status_changed_at,
        DROP COLUMN deleted_at, DROP COLUMN purge_after, DROP COLUMN updated_at,
        ALTER COLUMN status SET DEFAULT 'active'`);
    await q.query(`UPDATE tenants SET status = lower(status)`);
  }
}
