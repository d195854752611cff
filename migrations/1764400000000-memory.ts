import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memory that learns: the thin `memories` table of the foundation grows provenance,
 * access accounting, retention and an embedding (float4[]; where pgvector exists the
 * vector store indexes it with HNSW through an expression index, see src/memory), plus
 * the knowledge graph (entities, typed relations) and the evolver's variants and trials.
 */
export class Memory1764400000000 implements MigrationInterface {
  name = 'Memory1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE memories
        ADD COLUMN title text,
        ADD COLUMN key text,
        ADD COLUMN source_agent text,
        ADD COLUMN source_model text,
        ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN verified boolean NOT NULL DEFAULT false,
        ADD COLUMN dedupe_key text,
        ADD COLUMN access_count integer NOT NULL DEFAULT 0,
        ADD COLUMN last_accessed_at timestamptz,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN embedding real[],
        ADD COLUMN embedding_model text,
        ADD COLUMN embedding_dim integer`);
    await q.query(
      `ALTER TABLE memories ADD CONSTRAINT memories_kind_check CHECK (kind IN ('episodic', 'semantic', 'procedural', 'strategic'))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX memories_tenant_dedupe_idx ON memories (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX memories_tenant_key_idx ON memories (tenant_id, kind, key) WHERE key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX memories_tenant_goal_idx ON memories (tenant_id, source_goal_id)`);
    await q.query(
      `CREATE INDEX memories_expires_idx ON memories (expires_at) WHERE expires_at IS NOT NULL`,
    );
    // Exact cosine over unit vectors (the fallback when pgvector is missing).
    await q.query(`
      CREATE OR REPLACE FUNCTION av_dot(a real[], b real[]) RETURNS double precision
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT sum(x::double precision * y) FROM unnest(a, b) AS t(x, y) $$`);

    await q.query(`
      CREATE TABLE memory_entities (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        name text NOT NULL,
        type text NOT NULL,
        mentions integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, type, name)
      )`);
    await q.query(`
      CREATE TABLE memory_relations (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        source_id uuid NOT NULL REFERENCES memory_entities(id) ON DELETE CASCADE,
        relation text NOT NULL,
        target_id uuid NOT NULL REFERENCES memory_entities(id) ON DELETE CASCADE,
        weight real NOT NULL DEFAULT 1,
        memory_id uuid REFERENCES memories(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, source_id, relation, target_id)
      )`);

    await q.query(`
      CREATE TABLE evolution_variants (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        target text NOT NULL,
        name text NOT NULL,
        guidance text NOT NULL DEFAULT '',
        status text NOT NULL CHECK (status IN ('testing', 'champion', 'retired')),
        rationale text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        UNIQUE (tenant_id, target, name)
      )`);
    await q.query(`
      CREATE TABLE evolution_trials (
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        variant_id uuid NOT NULL REFERENCES evolution_variants(id) ON DELETE CASCADE,
        goal_id uuid NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
        outcome text CHECK (outcome IN ('succeeded', 'failed')),
        score real,
        tokens bigint,
        duration_ms bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, goal_id, variant_id)
      )`);
    await q.query(`CREATE INDEX evolution_trials_variant_idx ON evolution_trials (variant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS evolution_trials');
    await q.query('DROP TABLE IF EXISTS evolution_variants');
    await q.query('DROP TABLE IF EXISTS memory_relations');
    await q.query('DROP TABLE IF EXISTS memory_entities');
    await q.query('DROP FUNCTION IF EXISTS av_dot(real[], real[])');
    await q.query('DROP INDEX IF EXISTS memories_expires_idx');
    await q.query('DROP INDEX IF EXISTS memories_tenant_goal_idx');
    await q.query('DROP INDEX IF EXISTS memories_tenant_key_idx');
    await q.query('DROP INDEX IF EXISTS memories_tenant_dedupe_idx');
    await q.query('ALTER TABLE memories DROP CONSTRAINT IF EXISTS memories_kind_check');
    await q.query(`
      ALTER TABLE memories
        DROP COLUMN title, DROP COLUMN key, DROP COLUMN source_agent, DROP COLUMN source_model,
        DROP COLUMN provenance, DROP COLUMN verified, DROP COLUMN dedupe_key,
        DROP COLUMN access_count, DROP COLUMN last_accessed_at, DROP COLUMN updated_at,
        DROP COLUMN expires_at, DROP COLUMN embedding, DROP COLUMN embedding_model,
        DROP COLUMN embedding_dim`);
  }
}
