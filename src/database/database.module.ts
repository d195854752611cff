import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { createDataSource } from './data-source.factory';
import { DatabaseAvailability } from './database-availability.service';
import { DatabaseCapabilities, detectCapabilities, runMigrations } from './migration-runner';

export const DATABASE_CAPABILITIES = Symbol('DATABASE_CAPABILITIES');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const logger = new Logger('Database');
        const dataSource = createDataSource(config);
        await dataSource.initialize();
        if (config.DB_MIGRATE_ON_START) {
          const applied = await runMigrations(dataSource);
          if (applied.length) logger.log(`applied migrations: ${applied.join(', ')}`);
        }
        return dataSource;
      },
    },
    {
      provide: DATABASE_CAPABILITIES,
      inject: [DataSource],
      useFactory: async (dataSource: DataSource): Promise<DatabaseCapabilities> => {
        const caps = await detectCapabilities(dataSource);
        if (!caps.pgvector) {
          new Logger('Database').warn(
            `${caps.detail}: memory search falls back to exact cosine search`,
          );
        }
        return caps;
      },
    },
    DataSourceCloser,
    DatabaseAvailability,
  ],
  exports: [DataSource, DATABASE_CAPABILITIES, DatabaseAvailability],
})
export class DatabaseModule {}
