import { MigrationInterface, QueryRunner } from 'typeorm';

export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000001';

/** Tenants, goals, tasks, the goal event log, LLM call accounting and the effect journal. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, 'default', 'Default')`, [
      DEFAULT_TENANT_ID,
    ]);

    await q.query(`
      CREATE TABLE goals (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        title text NOT NULL,
        goal text NOT NULL,
        status text NOT NULL,
        state text NOT NULL,
        requested_pattern text,
        pattern text,
        priority integer NOT NULL DEFAULT 0,
        metadata jsonb NOT NULL DEFAULT '{}',
        intent jsonb,
        complexity text,
        risk text,
        result jsonb,
        failure_reasons jsonb NOT NULL DEFAULT '[]',
        feedback jsonb,
        plan_version integer NOT NULL DEFAULT 0,
        replan_count integer NOT NULL DEFAULT 0,
        prompt_tokens bigint NOT NULL DEFAULT 0,
        completion_tokens bigint NOT NULL DEFAULT 0,
        cost_usd numeric(16,8) NOT NULL DEFAULT 0,
        llm_calls integer NOT NULL DEFAULT 0,
        event_seq integer NOT NULL DEFAULT 0,
        lease_owner text,
        lease_expires_at timestamptz,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX goals_tenant_status_idx ON goals (tenant_id, status, created_at DESC)`,
    );
    await q.query(`CREATE INDEX goals_tenant_created_idx ON goals (tenant_id, created_at DESC)`);
    await q.query(
      `CREATE INDEX goals_unfinished_idx ON goals (lease_expires_at) WHERE status IN ('pending', 'running')`,
    );

    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        plan_version integer NOT NULL,
        key text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        depends_on text[] NOT NULL DEFAULT '{}',
        capabilities text[] NOT NULL DEFAULT '{}',
        acceptance_criteria text,
        status text NOT NULL,
        agent_id text,
        agent_kind text,
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        output jsonb,
        error text,
        errors jsonb NOT NULL DEFAULT '[]',
        prompt_tokens bigint NOT NULL DEFAULT 0,
        completion_tokens bigint NOT NULL DEFAULT 0,
        cost_usd numeric(16,8) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        UNIQUE (goal_id, plan_version, key)
      )`);
    await q.query(`CREATE INDEX tasks_tenant_goal_idx ON tasks (tenant_id, goal_id, plan_version)`);

    await q.query(`
      CREATE TABLE goal_events (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        seq integer NOT NULL,
        type text NOT NULL,
        task_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (goal_id, seq)
      )`);
    await q.query(`CREATE INDEX goal_events_tenant_id_idx ON goal_events (tenant_id, id)`);

    await q.query(`
      CREATE TABLE llm_calls (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid,
        agent text,
        purpose text NOT NULL,
        provider text NOT NULL,
        model text NOT NULL,
        status text NOT NULL,
        error text,
        attempts integer NOT NULL DEFAULT 1,
        prompt_tokens integer NOT NULL DEFAULT 0,
        completion_tokens integer NOT NULL DEFAULT 0,
        cost_usd numeric(16,8) NOT NULL DEFAULT 0,
        duration_ms integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX llm_calls_tenant_goal_idx ON llm_calls (tenant_id, goal_id)`);

    await q.query(`
      CREATE TABLE effect_journal (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        idempotency_key text NOT NULL,
        goal_id uuid REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid,
        tool text NOT NULL,
        result jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, idempotency_key)
      )`);

    await q.query(`
      CREATE TABLE goal_artifacts (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid,
        name text NOT NULL,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX goal_artifacts_tenant_goal_idx ON goal_artifacts (tenant_id, goal_id)`,
    );

    await q.query(`
      CREATE TABLE memories (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        kind text NOT NULL,
        content text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        importance real NOT NULL DEFAULT 0.5,
        source_goal_id uuid,
        source_task_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX memories_tenant_kind_idx ON memories (tenant_id, kind, created_at DESC)`,
    );

    await q.query(`
      CREATE TABLE platform_capabilities (
        name text PRIMARY KEY,
        available boolean NOT NULL,
        detail text,
        detected_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'platform_capabilities',
      'memories',
      'goal_artifacts',
      'effect_journal',
      'llm_calls',
      'goal_events',
      'tasks',
      'goals',
      'tenants',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
