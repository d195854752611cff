import { everyInterval } from '#common';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import { logFor } from '../observability/logger';
import { checkpointSignature } from './audit-chain';
import { AuditEventRepository } from './audit-event.repository';
import { AUDIT_SIGNING_KEY } from './audit-signing-key.provider';

const log = logFor('AuditRetention');

/**
 * Retention of the audit log, in job-processing processes every AUDIT_RETENTION_INTERVAL_MS:
 * per tenant, the prefix of its chain whose entries have all passed their category's
 * retention is removed, and a checkpoint signed with the audit key records where it ended
 * (its position and hash), so the rest still verifies from there. An entry still kept
 * keeps everything after it, even entries of shorter retention.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopTimer?: () => void;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: AuditEventRepository,
    @Inject(AUDIT_SIGNING_KEY) private readonly key: Buffer | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.PROCESS_JOBS || !this.config.AUDIT_ENABLED) return;
    if (!this.key) {
      log.warn('AUDIT_SIGNING_KEY is not set: audit retention removes nothing');
      return;
    }
    // run() logs its own failures and skips a tick while one is going
    this.stopTimer = everyInterval(
      this.config.AUDIT_RETENTION_INTERVAL_MS,
      () => this.run(),
      () => undefined,
    );
  }

  onApplicationShutdown(): void {
    this.stopTimer?.();
  }

  /** One pass over every tenant; answers the entries removed per tenant. */
  async run(): Promise<Record<string, number>> {
    const removed: Record<string, number> = {};
    if (this.running || !this.key) return removed;
    this.running = true;
    try {
      for (const tenantId of await this.events.tenantsWithEntries()) {
        const count = await this.removeExpired(tenantId, this.key);
        if (count) removed[tenantId] = count;
      }
      return removed;
    } catch (error) {
      log.warn(`audit retention failed: ${(error as Error).message}`);
      return removed;
    } finally {
      this.running = false;
    }
  }

  private removeExpired(tenantId: string, key: Buffer): Promise<number> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      await this.events.lockChain(manager, tenantId);
      const end = await this.events.expiredPrefixEnd(manager, tenantId, {
        security: this.config.AUDIT_RETENTION_SECURITY_DAYS,
        other: this.config.AUDIT_RETENTION_DAYS,
      });
      if (end === undefined) return 0;
      const last = await this.events.entryAt(manager, tenantId, end);
      if (!last || Number(last.seq) !== end) return 0;
      const signature = checkpointSignature(key, { tenantId, seq: end, hash: last.hash });
      return this.events.removePrefix(manager, tenantId, { seq: end, hash: last.hash }, signature);
    });
  }
}
