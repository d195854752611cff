import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { GoalLeases } from './goal-lease.service';

/**
 * Renews a held lease every third of its time to live while a goal runs; a lease that is
 * lost (or a goal that left the running states) aborts the run.
 */
@Injectable()
export class LeaseHeartbeat {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly leases: GoalLeases,
  ) {}

  /** Starts renewing; the answer stops it. */
  start(tenantId: string, goalId: string, controller: AbortController): () => void {
    const timer = setInterval(
      () => {
        this.leases.renew(tenantId, goalId).then(
          (held) => held || controller.abort(new Error('lease lost or goal no longer running')),
          () => undefined,
        );
      },
      Math.max(100, Math.floor(this.config.LEASE_TTL_MS / 3)),
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
