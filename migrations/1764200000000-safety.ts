import { MigrationInterface, QueryRunner } from 'typeorm';

/** Safety gate counters and violations on goals and tasks, and human approvals. */
export class Safety1764200000000 implements MigrationInterface {
  name = 'Safety1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE goals
      ADD COLUMN tool_calls integer NOT NULL DEFAULT 0,
      ADD COLUMN agents_spawned integer NOT NULL DEFAULT 0,
      ADD COLUMN approval_wait_ms bigint NOT NULL DEFAULT 0,
      ADD COLUMN safety_violations jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE tasks ADD COLUMN safety_violations jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        task_id uuid NOT NULL,
        task_key text NOT NULL,
        plan_version integer NOT NULL,
        action_fingerprint text NOT NULL,
        tool text NOT NULL,
        args jsonb NOT NULL,
        categories text[] NOT NULL DEFAULT '{}',
        reason text NOT NULL,
        resume_state text NOT NULL,
        status text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        decided_by text,
        decided_by_kind text,
        comment text
      )`);
    await q.query(
      `CREATE INDEX approvals_tenant_goal_idx ON approvals (tenant_id, goal_id, action_fingerprint)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX approvals_one_pending_idx ON approvals (goal_id, action_fingerprint) WHERE status = 'pending'`,
    );
    await q.query(
      `CREATE INDEX approvals_pending_expiry_idx ON approvals (expires_at) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS approvals`);
    await q.query(`ALTER TABLE tasks DROP COLUMN IF EXISTS safety_violations`);
    await q.query(`ALTER TABLE goals
      DROP COLUMN IF EXISTS tool_calls, DROP COLUMN IF EXISTS agents_spawned,
      DROP COLUMN IF EXISTS approval_wait_ms, DROP COLUMN IF EXISTS safety_violations`);
  }
}
