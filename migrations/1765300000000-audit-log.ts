import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

/**
 * The audit log: append-only entries chained per tenant (each stores the SHA-256 of its
 * canonical form and the previous entry's hash), and the signed checkpoints retention
 * leaves where it removed a prefix. Rows change only inside a transaction that declared
 * itself audit maintenance (retention, a tenant's purge); the restricted role may only
 * read and append.
 */
export class AuditLog1765300000000 implements MigrationInterface {
  name = 'AuditLog1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        category text NOT NULL CHECK (category IN ('AUTHENTICATION', 'AUTHORIZATION',
          'DATA_ACCESS', 'DATA_MUTATION', 'SECURITY', 'AGENT', 'GOAL', 'TENANT')),
        event_type text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
        outcome text NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'PENDING')),
        actor_id text,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'service', 'system', 'agent', 'anonymous')),
        actor_ip text,
        resource_type text,
        resource_id text,
        request_id text,
        endpoint text,
        method text,
        duration_ms integer,
        changes jsonb NOT NULL DEFAULT '[]',
        tags text[] NOT NULL DEFAULT '{}',
        details jsonb NOT NULL DEFAULT '{}',
        message text,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (tenant_id, seq)
      )`);
    // one index besides the keys, since every append pays for each (searches go by tenant and time)
    await q.query(
      `CREATE INDEX audit_events_tenant_time_idx ON audit_events (tenant_id, occurred_at DESC)`,
    );
    await q.query(`
      CREATE TABLE audit_checkpoints (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        seq bigint NOT NULL,
        hash text NOT NULL,
        removed bigint NOT NULL,
        signature text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, seq)
      )`);
    await q.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('app.audit_maintenance', true), '') = 'on' THEN
          RETURN coalesce(OLD, NEW);
        END IF;
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
      END $$`);
    for (const table of ['audit_events', 'audit_checkpoints'])
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
    for (const table of ['audit_events', 'audit_checkpoints']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT ON ${table} TO ${TENANT_DB_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_append_only()`);
  }
}
