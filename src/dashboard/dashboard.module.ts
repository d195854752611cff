import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { MetricsModule } from '../metrics/metrics.module';
import { DashboardController } from './dashboard.controller';
import { DashboardReadModelRepository } from './dashboard-read-model.repository';
import { DashboardSettingsRepository } from './dashboard-settings.repository';
import { DashboardService } from './dashboard.service';

/** The dashboard's API; its static page is mounted at `/` by the API factory. */
@Module({
  imports: [MetricsModule],
  controllers: [DashboardController],
  providers: [DashboardService, DashboardSettingsRepository, DashboardReadModelRepository],
})
export class DashboardModule {}

/** Where the dashboard's static files are: copied next to the build by `npm run build`. */
export function dashboardAssetsDir(): string {
  return join(__dirname, 'public');
}
