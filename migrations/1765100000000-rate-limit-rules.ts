import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rate limit rules added through the admin API (rules from settings are not stored). */
export class RateLimitRules1765100000000 implements MigrationInterface {
  name = 'RateLimitRules1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limit_rules (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        path text NOT NULL,
        methods text[] NOT NULL DEFAULT '{}',
        strategy text NOT NULL
          CHECK (strategy IN ('FIXED_WINDOW', 'SLIDING_WINDOW', 'TOKEN_BUCKET')),
        scope text NOT NULL
          CHECK (scope IN ('GLOBAL', 'IP', 'USER', 'TENANT', 'API_KEY', 'ENDPOINT', 'CUSTOM')),
        "limit" integer NOT NULL CHECK ("limit" > 0),
        window_s integer NOT NULL CHECK (window_s > 0),
        key_header text,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_rules`);
  }
}
