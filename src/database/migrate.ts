import { loadConfigFromProcess } from '../config/app-config';
import { createDataSource } from './data-source.factory';
import { detectCapabilities, runMigrations } from './migration-runner';

/** `npm run migration:run`: applies pending migrations to the configured database. */
async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    const caps = await detectCapabilities(dataSource);
    console.log(JSON.stringify({ msg: 'migrations applied', applied, pgvector: caps.pgvector }));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(`migration failed: ${error.message}`);
  process.exit(1);
});
