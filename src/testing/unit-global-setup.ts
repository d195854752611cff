import { tmpdir } from 'node:os';
// Only relative imports on this path: Jest loads its global setup without moduleNameMapper.
import { ensureMigratedPgliteImage } from './migrated-pglite-image';

/** Builds the migrated PGlite image the in-process suites open, once per unit run. */
export default async function unitGlobalSetup(): Promise<void> {
  // the settings' defaults, which the in-process suites run with
  await ensureMigratedPgliteImage({
    DATABASE_URL: undefined,
    DATA_DIR: tmpdir(),
    DB_POOL_SIZE: 1,
    DB_PREPARED_STATEMENTS: true,
    PGLITE_SHARED_BUFFERS_MB: 256,
  });
}
