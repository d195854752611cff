import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { DashboardController } from './dashboard.controller';
import { DashboardReadModelRepository } from './dashboard-read-model.repository';
import { DashboardSettingsRepository } from './dashboard-settings.repository';
import { DashboardService } from './dashboard.service';

/** The portal's overview API; the portal itself is mounted at `/` by the API factory. */
@Module({
  controllers: [DashboardController],
  providers: [DashboardService, DashboardSettingsRepository, DashboardReadModelRepository],
})
export class DashboardModule {}

/** Where the admin portal's built files are: dist/portal, written by `npm run build`. */
export function portalAssetsDir(): string {
  return join(__dirname, '..', '..', 'portal');
}
