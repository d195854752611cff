import { Test } from '@nestjs/testing';
import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { createDataSource } from '../database/data-source.factory';
import { DatabaseModule } from '../database/database.module';
import { openMigratedPglite } from './migrated-pglite-image';

export interface InProcessApp {
  readonly app: INestApplicationContext;
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

export interface InProcessAppOptions {
  /**
   * Only these feature modules (with configuration and the database, the two global ones)
   * instead of the whole product: a suite loads and starts just the capability it tests.
   */
  readonly imports?: ReadonlyArray<Type | DynamicModule>;
}

/** The root module a suite's capability runs under: the listed feature modules on their own. */
@Module({})
class CapabilityUnderTest {}

/**
 * A worker-role Nest application inside the test process, on an in-memory PGlite with every
 * migration applied and the in-process queue: services and steps are exercised for real in
 * seconds, without building or spawning the product. Without `imports` it is the whole
 * product (AppModule), loaded only then since its import graph alone takes seconds.
 */
export async function startInProcessApp(
  env: Record<string, string> = {},
  options: InProcessAppOptions = {},
): Promise<InProcessApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'av-inproc-'));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SWEEPER_INTERVAL_MS: '60000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [await rootModule(config, options)],
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

/**
 * One application started for every suite a spec file registers after this call: the
 * import graph and start take seconds, paid once instead of once per suite. Each suite
 * works in its own tenants or goals, so they share the database without seeing each other.
 */
export function sharedInProcessApp(
  env: Record<string, string> = {},
  options: InProcessAppOptions = {},
): InProcessApp {
  let started: InProcessApp | undefined;
  beforeAll(async () => {
    started = await startInProcessApp(env, options);
  }, 60_000);
  afterAll(() => started?.close());
  const running = (): InProcessApp => {
    if (!started) throw new Error('the shared product starts in beforeAll');
    return started;
  };
  return {
    get app() {
      return running().app;
    },
    get config() {
      return running().config;
    },
    get dataSource() {
      return running().dataSource;
    },
    close: () => running().close(),
  };
}

async function rootModule(config: AppConfig, options: InProcessAppOptions): Promise<DynamicModule> {
  if (!options.imports) {
    const { AppModule } = await import('../app.module');
    return AppModule.forRoot(config, 'worker');
  }
  return {
    module: CapabilityUnderTest,
    imports: [ConfigModule.forRoot(config, 'worker'), DatabaseModule, ...options.imports],
  };
}
