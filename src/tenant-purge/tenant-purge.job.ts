import { everyInterval } from '#common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { TenantPurge } from './tenant-purge.service';

/**
 * In job-processing processes: every TENANT_PURGE_INTERVAL_MS, purges the deleted tenants
 * whose retention has ended. Two processes may look at once; the purge locks the tenant's
 * row, so the second finds it gone.
 */
@Injectable()
export class TenantPurgeJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('TenantPurgeJob');
  private stopTimer?: () => void;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly purge: TenantPurge,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS) return;
    // run() logs its own failures and skips a tick while one is going
    this.stopTimer = everyInterval(
      this.config.TENANT_PURGE_INTERVAL_MS,
      () => this.run(),
      () => undefined,
    );
  }

  onApplicationShutdown(): void {
    this.stopTimer?.();
  }

  /** One pass; answers the tenants purged. */
  async run(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const report = await this.purge.purgeDue();
      return report.purged.map((p) => p.tenantId);
    } catch (error) {
      this.log.warn(`tenant purge failed: ${(error as Error).message}`);
      return [];
    } finally {
      this.running = false;
    }
  }
}
