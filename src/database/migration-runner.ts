import { DataSource } from 'typeorm';

const MIGRATION_LOCK_KEY = 7_100_245_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so an API and a worker
 * starting together never race on the schema.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (isEmbedded(dataSource)) {
    // PGlite lives in this process only: nothing else can race on its schema.
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

export function isEmbedded(dataSource: DataSource): boolean {
  return (dataSource.options as { driver?: unknown }).driver !== undefined;
}

export interface DatabaseCapabilities {
  pgvector: boolean;
  detail: string;
}

/** Tries to enable pgvector and records whether it is there (memory search uses it). */
export async function detectCapabilities(dataSource: DataSource): Promise<DatabaseCapabilities> {
  let pgvector = false;
  let detail: string;
  try {
    await dataSource.query('CREATE EXTENSION IF NOT EXISTS vector');
    const rows: Array<{ extversion: string }> = await dataSource.query(
      `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
    );
    pgvector = rows.length > 0;
    detail = pgvector ? `pgvector ${rows[0].extversion}` : 'pgvector not installed';
  } catch (error) {
    detail = `pgvector unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
  await dataSource.query(
    `INSERT INTO platform_capabilities (name, available, detail, detected_at) VALUES ('pgvector', $1, $2, now())
     ON CONFLICT (name) DO UPDATE SET available = EXCLUDED.available, detail = EXCLUDED.detail, detected_at = now()`,
    [pgvector, detail],
  );
  return { pgvector, detail };
}
