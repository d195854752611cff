import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client's Idempotency-Key on goal submission: a request sent again (the API process died
 * before it answered) finds the goal the first one created instead of creating another.
 */
export class GoalIdempotencyKeys1764700000000 implements MigrationInterface {
  name = 'GoalIdempotencyKeys1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE goals ADD COLUMN idempotency_key text`);
    await q.query(
      `CREATE UNIQUE INDEX goals_tenant_idempotency_key_idx ON goals (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS goals_tenant_idempotency_key_idx`);
    await q.query(`ALTER TABLE goals DROP COLUMN IF EXISTS idempotency_key`);
  }
}
