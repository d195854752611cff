import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { everyInterval } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { OAuthArtifactRepository } from './oauth-artifact.repository';

const log = logFor('OAuthCleanup');
const BATCH = 1_000;

/**
 * Removes expired codes, tokens, grants and interactions from `oauth_artifacts`, in
 * job-processing processes every OAUTH_CLEANUP_INTERVAL_MS, a batch at a time (reads already
 * ignore expired rows; this only keeps the table small).
 */
@Injectable()
export class OAuthArtifactCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly artifacts: OAuthArtifactRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS) return;
    this.stop = everyInterval(
      this.config.OAUTH_CLEANUP_INTERVAL_MS,
      () => this.run(),
      (error) => log.warn(`OAuth cleanup failed: ${(error as Error).message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** Answers how many rows were removed. */
  async run(): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.artifacts.deleteExpired(BATCH);
      removed += batch;
      if (batch < BATCH) return removed;
    }
  }
}
