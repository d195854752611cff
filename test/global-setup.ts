import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
// Relative, not `#testing`: Jest loads its global setup without moduleNameMapper.
import { tempDir } from '../libs/testing/src/app-process';

/**
 * Creates one migrated PGlite data directory for the whole e2e run; startApp() copies it
 * for each embedded app, so suites skip initdb (several seconds each).
 */
export default function globalSetup(): void {
  const template = tempDir('av-pglite-template-');
  const root = resolve(__dirname, '..');
  execFileSync(process.execPath, [join(root, 'dist/src/database/migrate.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: template, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  process.env.AV_PGLITE_TEMPLATE = template;
}
