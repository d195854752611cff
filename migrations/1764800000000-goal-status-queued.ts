import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A goal accepted but not yet taken by a worker (it waits for a slot) has the status
 * `queued`, where it was `pending`; the partial index of unfinished goals follows.
 */
export class GoalStatusQueued1764800000000 implements MigrationInterface {
  name = 'GoalStatusQueued1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE goals SET status = 'queued' WHERE status = 'pending'`);
    await q.query(`DROP INDEX IF EXISTS goals_unfinished_idx`);
    await q.query(
      `CREATE INDEX goals_unfinished_idx ON goals (lease_expires_at) WHERE status IN ('queued', 'running')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE goals SET status = 'pending' WHERE status = 'queued'`);
    await q.query(`DROP INDEX IF EXISTS goals_unfinished_idx`);
    await q.query(
      `CREATE INDEX goals_unfinished_idx ON goals (lease_expires_at) WHERE status IN ('pending', 'running')`,
    );
  }
}
