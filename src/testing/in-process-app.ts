import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { loadConfig, type AppConfig } from '../config/app-config';
import { createDataSource } from '../database/data-source.factory';
import { openMigratedPglite } from './migrated-pglite-image';

export interface InProcessApp {
  readonly app: INestApplicationContext;
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The whole product as a worker-role Nest application inside the test process, on an
 * in-memory PGlite with every migration applied and the in-process queue: services and
 * steps are exercised for real in seconds, without building or spawning the product.
 */
export async function startInProcessApp(env: Record<string, string> = {}): Promise<InProcessApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'av-inproc-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SWEEPER_INTERVAL_MS: '60000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, 'worker')],
  })
    .overrideProvider(DataSource)
    .useFactory({
      factory: async () => {
        const dataSource = createDataSource(config, { image: openMigratedPglite(config) });
        await dataSource.initialize();
        return dataSource;
      },
    })
    .compile();
  const app = moduleRef;
  await app.init();
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
