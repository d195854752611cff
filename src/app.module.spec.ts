import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { createDataSource } from './database/data-source.factory';
import { DATABASE_CAPABILITIES } from './database/database.module';
import { DashboardService } from './dashboard/dashboard.service';
import { GoalsService } from './governor/goals.service';
import { RealtimeGateway } from './realtime/realtime.gateway';

/**
 * Only configuration and the database are global: every other module lists what it uses in
 * its imports, so a provider whose module forgot an import fails to resolve here.
 */
describe('the product modules', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'av-modules-'));
  // The metrics endpoint registers the process metrics once per application.
  afterEach(() => register.clear());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['api', 'worker'] as const)('resolve every dependency in the %s role', async (role) => {
    const config = loadConfig({
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DASHBOARD_ENABLED: 'true',
      METRICS_ENABLED: 'true',
      // never connected: building the providers needs no database
      DATABASE_URL: 'postgres://127.0.0.1:1/unused',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config, role)] })
      .overrideProvider(DataSource)
      .useValue(createDataSource(config))
      .overrideProvider(DATABASE_CAPABILITIES)
      .useValue({ pgvector: false, detail: 'not connected' })
      .compile();
    try {
      expect(moduleRef.get(GoalsService, { strict: false })).toBeInstanceOf(GoalsService);
      if (role === 'api') {
        expect(moduleRef.get(RealtimeGateway, { strict: false })).toBeInstanceOf(RealtimeGateway);
        expect(moduleRef.get(DashboardService, { strict: false })).toBeInstanceOf(DashboardService);
      }
    } finally {
      await moduleRef.close();
    }
  });
});
