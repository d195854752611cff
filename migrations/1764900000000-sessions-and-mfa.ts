import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

const NEW_TABLES = [
  'mfa_lockouts',
  'mfa_methods',
  'mfa_backup_codes',
  'mfa_codes',
  'mfa_challenges',
  'trusted_devices',
];

/**
 * Sessions with a lifecycle (type, method, device, lock, MFA and elevation state), the
 * second factors of a user (TOTP, SMS, email, backup codes), the login challenges that
 * wait for one, trusted devices, and the tenant switch that makes MFA mandatory.
 */
export class SessionsAndMfa1764900000000 implements MigrationInterface {
  name = 'SessionsAndMfa1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE user_sessions
        ADD COLUMN session_type text NOT NULL DEFAULT 'web',
        ADD COLUMN auth_method text NOT NULL DEFAULT 'password',
        ADD COLUMN device jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN geo jsonb,
        ADD COLUMN mfa_verified boolean NOT NULL DEFAULT false,
        ADD COLUMN enrollment_only boolean NOT NULL DEFAULT false,
        ADD COLUMN elevated_until timestamptz,
        ADD COLUMN rotated_at timestamptz,
        ADD COLUMN locked_at timestamptz,
        ADD COLUMN locked_by uuid,
        ADD COLUMN lock_reason text,
        ADD COLUMN revoke_reason text`);
    await q.query(
      `CREATE INDEX user_sessions_user_live_idx ON user_sessions (user_id, created_at) WHERE revoked_at IS NULL`,
    );

    await q.query(`ALTER TABLE tenants ADD COLUMN mfa_required boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE mfa_lockouts (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE mfa_methods (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('totp', 'sms', 'email')),
        status text NOT NULL CHECK (status IN ('pending', 'active')),
        secret_sealed text,
        destination text,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        confirmed_at timestamptz,
        last_used_at timestamptz,
        UNIQUE (user_id, kind)
      )`);
    await q.query(`CREATE INDEX mfa_methods_tenant_user_idx ON mfa_methods (tenant_id, user_id)`);

    await q.query(`
      CREATE TABLE mfa_backup_codes (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX mfa_backup_codes_tenant_user_idx ON mfa_backup_codes (tenant_id, user_id)`,
    );

    await q.query(`
      CREATE TABLE mfa_challenges (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        failures integer NOT NULL DEFAULT 0,
        locked_at timestamptz,
        completed_at timestamptz,
        ip text,
        user_agent text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX mfa_challenges_tenant_user_idx ON mfa_challenges (tenant_id, user_id)`,
    );

    await q.query(`
      CREATE TABLE mfa_codes (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        purpose text NOT NULL CHECK (purpose IN ('login', 'enroll', 'elevate')),
        challenge_id uuid REFERENCES mfa_challenges(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        destination text NOT NULL,
        delivery_status text NOT NULL DEFAULT 'pending',
        delivery_error text,
        provider_message_id text,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX mfa_codes_tenant_user_idx ON mfa_codes (tenant_id, user_id, created_at DESC)`,
    );

    await q.query(`
      CREATE TABLE trusted_devices (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        device jsonb NOT NULL DEFAULT '{}',
        ip text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX trusted_devices_tenant_user_idx ON trusted_devices (tenant_id, user_id)`,
    );

    for (const table of NEW_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['mfa_codes', 'mfa_challenges', 'mfa_backup_codes', 'mfa_methods'])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    await q.query(`DROP TABLE IF EXISTS trusted_devices`);
    await q.query(`DROP TABLE IF EXISTS mfa_lockouts`);
    await q.query(`ALTER TABLE tenants DROP COLUMN mfa_required`);
    await q.query(`DROP INDEX IF EXISTS user_sessions_user_live_idx`);
    await q.query(`
      ALTER TABLE user_sessions
        DROP COLUMN session_type, DROP COLUMN auth_method, DROP COLUMN device, DROP COLUMN geo,
        DROP COLUMN mfa_verified, DROP COLUMN enrollment_only, DROP COLUMN elevated_until,
        DROP COLUMN rotated_at, DROP COLUMN locked_at, DROP COLUMN locked_by,
        DROP COLUMN lock_reason, DROP COLUMN revoke_reason`);
  }
}
