import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role whose sessions row-level security restricts (see the comment on the policies). */
export const TENANT_DB_ROLE = 'agent_village_tenant';

/** Tenant-owned tables guarded by row-level security. */
export const RLS_TABLES = [
  'goals',
  'tasks',
  'goal_events',
  'llm_calls',
  'effect_journal',
  'goal_artifacts',
  'memories',
  'users',
  'user_sessions',
  'api_keys',
  'roles',
  'role_assignments',
];

/** Users, login sessions, API keys, custom roles, role assignments, and RLS policies. */
export class Identity1764100000000 implements MigrationInterface {
  name = 'Identity1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        email text NOT NULL,
        display_name text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        password_hash text,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, email)
      )`);

    await q.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX user_sessions_tenant_user_idx ON user_sessions (tenant_id, user_id)`,
    );

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        key_id text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        scopes text[] NOT NULL DEFAULT '{}',
        owner_user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at timestamptz,
        rate_limit_per_minute integer NOT NULL,
        rate_limit_per_hour integer NOT NULL,
        rate_limit_per_day integer NOT NULL,
        rate_limit_burst integer NOT NULL,
        allowed_ips text[] NOT NULL DEFAULT '{}',
        allowed_cidrs text[] NOT NULL DEFAULT '{}',
        blocked_ips text[] NOT NULL DEFAULT '{}',
        last_used_at timestamptz,
        last_used_ip text,
        rotated_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE roles (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        permissions text[] NOT NULL DEFAULT '{}',
        inherits text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);

    await q.query(`
      CREATE TABLE role_assignments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL,
        valid_from timestamptz,
        valid_until timestamptz,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, user_id, role)
      )`);
    await q.query(`CREATE INDEX role_assignments_user_idx ON role_assignments (user_id)`);

    /*
     * Row-level security, defence in depth behind the tenant filter every query carries.
     * Policies admit a row only when its tenant_id equals the transaction's
     * `app.tenant_id` setting (set with set_config('app.tenant_id', $1, true)); with no
     * setting, no row is visible. They bind the restricted role TENANT_DB_ROLE: a
     * deployment connects as (or SET ROLEs to) that role for tenant work. The migration
     * owner and superusers bypass RLS, which the authentication lookups (key id → tenant,
     * session token → user) need before any tenant is known. PGlite always runs as a
     * superuser, so in embedded mode the policies exist but only bind sessions that SET
     * ROLE to the restricted role (the e2e test does exactly that).
     */
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_DB_ROLE}') THEN
          CREATE ROLE ${TENANT_DB_ROLE} NOLOGIN;
        END IF;
      END $$`);
    for (const table of RLS_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${TENANT_DB_ROLE}`);
    }
    await q.query(`GRANT SELECT ON tenants TO ${TENANT_DB_ROLE}`);
    await q.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${TENANT_DB_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of RLS_TABLES) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON ${table} FROM ${TENANT_DB_ROLE}`);
    }
    await q.query(`REVOKE ALL ON tenants FROM ${TENANT_DB_ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${TENANT_DB_ROLE}`);
    for (const table of ['role_assignments', 'roles', 'api_keys', 'user_sessions', 'users']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
