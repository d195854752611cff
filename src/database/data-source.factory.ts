import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DataSource, DataSourceOptions } from 'typeorm';
// relative, not #common: the unit suites' global setup loads this file without Jest's mapping
import { createPrivateDir, keepPrivate } from '../../libs/common/src/private-dir';
import type { AppConfig } from '../config/app-config';
import { logFor } from '../observability/logger';
import { MIGRATIONS } from '../../migrations';
import { pgliteDriver } from './pglite-pool';
import { PreparedStatementClient } from './pg-prepared-client';

/**
 * One data source configuration, two drivers: PGlite (embedded default, persisted under
 * DATA_DIR) or PostgreSQL (DATABASE_URL). Entities are not synchronized: the schema is
 * owned by migrations/.
 */
export function createDataSource(
  config: Pick<
    AppConfig,
    | 'DATABASE_URL'
    | 'DATA_DIR'
    | 'DB_POOL_SIZE'
    | 'DB_PREPARED_STATEMENTS'
    | 'PGLITE_SHARED_BUFFERS_MB'
  >,
  options: { inMemory?: boolean; image?: Promise<PGlite> } = {},
): DataSource {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    entities: [],
    logging: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
  };
  if (config.DATABASE_URL) {
    return new DataSource({
      ...common,
      url: config.DATABASE_URL,
      extra: {
        max: config.DB_POOL_SIZE,
        connectionTimeoutMillis: 10000,
        ...(config.DB_PREPARED_STATEMENTS ? preparedStatements() : {}),
      },
    } as DataSourceOptions);
  }
  const dataDir = options.inMemory ? undefined : resolve(config.DATA_DIR, 'pglite');
  if (dataDir) createPrivateDir(join(dataDir, '..'));
  const db = options.image ?? openPglite(dataDir, config.PGLITE_SHARED_BUFFERS_MB);
  return new DataSource({ ...common, driver: pgliteDriver(db) } as DataSourceOptions);
}

/**
 * Opens PGlite on `dataDir` (in memory when undefined), or in memory from `image`, a data
 * directory saved by `dumpDataDir`, which skips initdb.
 */
export async function openPglite(
  dataDir: string | undefined,
  sharedBuffersMb: number,
  image?: Blob,
): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  // PostgreSQL's default 128 MB cache is smaller than the HNSW index of 100k memories;
  // every search then copies evicted index pages back in (2-3x slower)
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`];
  const db = await PGlite.create({
    dataDir,
    extensions: { vector },
    startParams,
    loadDataDir: image,
  });
  // PGlite writes its files readable and writable by everyone: the directory keeps them
  // from other users of the machine, as PostgreSQL's own data directory must
  const loosened = dataDir ? keepPrivate(dataDir) : undefined;
  if (loosened !== undefined)
    logFor('Database').warn(
      `${dataDir} was mode ${loosened.toString(8)}; it is now 700 (its owner only)`,
    );
  return db;
}

/**
 * Repeated statements run prepared, each with one generic plan: the application's
 * statements filter on keys and literal states, where a plan fitted to one call's values
 * is no better than the generic one, and re-planning them on every call costs more than
 * running them.
 */
function preparedStatements() {
  return {
    Client: PreparedStatementClient,
    options: '-c plan_cache_mode=force_generic_plan',
  };
}
