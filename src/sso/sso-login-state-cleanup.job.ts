import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { everyInterval } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import { SsoLoginStateRepository } from './sso-login-state.repository';

const log = logFor('SsoCleanup');

/** Removes abandoned sign-ins (never completed) once they have expired, every SSO_LOGIN_TTL_S. */
@Injectable()
export class SsoLoginStateCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly states: SsoLoginStateRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS) return;
    this.stop = everyInterval(
      this.config.SSO_LOGIN_TTL_S * 1000,
      () => this.states.deleteExpired(),
      (error) => log.warn(`SSO cleanup failed: ${(error as Error).message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
