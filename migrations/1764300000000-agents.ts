import { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_DB_ROLE } from './1764100000000-identity';

const AGENT_TABLES = ['agent_profiles', 'progress_ledger', 'agent_bids'];

/** Agent profiles with learned stats, the progress ledger, and auction bids (issue 5). */
export class Agents1764300000000 implements MigrationInterface {
  name = 'Agents1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_profiles (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        kind text NOT NULL,
        name text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        capabilities text[] NOT NULL DEFAULT '{}',
        specializations text[] NOT NULL DEFAULT '{}',
        system_prompt text NOT NULL,
        model text,
        status text NOT NULL DEFAULT 'idle',
        ephemeral boolean NOT NULL DEFAULT false,
        builtin boolean NOT NULL DEFAULT false,
        spawned_by_goal_id uuid,
        running integer NOT NULL DEFAULT 0,
        tasks integer NOT NULL DEFAULT 0,
        successes integer NOT NULL DEFAULT 0,
        failures integer NOT NULL DEFAULT 0,
        success_rate real NOT NULL DEFAULT 0,
        task_type_scores jsonb NOT NULL DEFAULT '{}',
        avg_tokens real NOT NULL DEFAULT 0,
        avg_duration_ms real NOT NULL DEFAULT 0,
        error_kinds jsonb NOT NULL DEFAULT '{}',
        last_active timestamptz,
        reuse_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX agent_profiles_tenant_kind_idx ON agent_profiles (tenant_id, kind, status)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX agent_profiles_tenant_name_live_idx ON agent_profiles (tenant_id, name) WHERE status <> 'retired'`,
    );
    await q.query(
      `CREATE INDEX agent_profiles_spawned_goal_idx ON agent_profiles (tenant_id, spawned_by_goal_id)`,
    );

    await q.query(`
      CREATE TABLE progress_ledger (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid,
        plan_version integer NOT NULL,
        step integer NOT NULL,
        kind text NOT NULL,
        agent_id text,
        fingerprint text NOT NULL,
        is_satisfied boolean NOT NULL,
        is_looping boolean NOT NULL,
        is_progressing boolean NOT NULL,
        stall_count integer NOT NULL,
        next_instruction text NOT NULL,
        facts jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX progress_ledger_tenant_goal_idx ON progress_ledger (tenant_id, goal_id, id)`,
    );

    await q.query(`
      CREATE TABLE agent_bids (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid NOT NULL,
        agent_id uuid NOT NULL,
        expected_quality real NOT NULL,
        cost_tokens integer NOT NULL,
        time_ms integer NOT NULL,
        value real NOT NULL,
        awarded boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agent_bids_tenant_goal_idx ON agent_bids (tenant_id, goal_id)`);

    // tenant isolation, as for the identity tables (see 1764100000000-identity.ts)
    for (const table of AGENT_TABLES) {
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
    for (const table of AGENT_TABLES)
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
    for (const table of ['agent_bids', 'progress_ledger', 'agent_profiles'])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
