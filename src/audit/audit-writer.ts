import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { appendFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { backoffDelay, uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { SqlExecutor } from '../database/query-builder';
import { inTransaction } from '../database/transaction';
import { transientKindOf } from '../database/transient-errors';
import { logFor } from '../observability/logger';
import { GENESIS_HASH, entryHash } from './audit-chain';
import type { AuditEntry, AuditEventInput } from './audit-event';
import { AuditEventRepository } from './audit-event.repository';
import { maskChange, maskSecrets } from './masking';

const log = logFor('AuditWriter');

/** Entries stored per transaction. */
const BATCH = 1000;
/** Entries held while the database is away; past this the oldest go, each loss logged. */
const MAX_PENDING = 200_000;

type Pending = Omit<AuditEntry, 'seq' | 'prev_hash' | 'hash'>;

/**
 * Appends audit entries off the request path: `record` masks the event and queues it; a
 * flush every AUDIT_FLUSH_MS stores what is queued in one transaction per batch, taking
 * each tenant's chain lock (so every process extends one chain per tenant), reading its
 * head and linking the new entries. A failed flush keeps the entries and tries again
 * with backoff; shutdown flushes what is left.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown, OnApplicationShutdown {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Entries of the batch being stored (taken off `pending`, not yet committed). */
  private storing = 0;
  private failures = 0;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: AuditEventRepository,
  ) {}

  get enabled(): boolean {
    return this.config.AUDIT_ENABLED;
  }

  /** Queues an event (masked now, so nothing secret waits in memory either). */
  record(input: AuditEventInput): void {
    if (!this.config.AUDIT_ENABLED) return;
    if (this.pending.length >= MAX_PENDING) {
      const lost = this.pending.shift()!;
      log.error('audit backlog full: the oldest entry is dropped', {
        tenant_id: lost.tenant_id,
        event_type: lost.event_type,
      });
    }
    this.pending.push({
      id: uuidv7(),
      tenant_id: input.tenantId,
      occurred_at: (input.occurredAt ?? new Date()).toISOString(),
      category: input.category,
      event_type: input.eventType.slice(0, 200),
      severity: input.severity ?? 'INFO',
      outcome: input.outcome ?? 'SUCCESS',
      actor_id: input.actor.id ?? null,
      actor_type: input.actor.type,
      actor_ip: input.actor.ip ?? null,
      resource_type: input.resource?.type ?? null,
      resource_id: input.resource?.id ?? null,
      request_id: input.context?.requestId ?? null,
      endpoint: input.context?.endpoint?.slice(0, 500) ?? null,
      method: input.context?.method ?? null,
      duration_ms:
        input.context?.durationMs === undefined || input.context.durationMs === null
          ? null
          : Math.round(input.context.durationMs),
      changes: (input.changes ?? []).map(maskChange),
      tags: input.tags ?? [],
      details: maskSecrets(input.details ?? {}) as Record<string, unknown>,
      message: input.message ? String(maskSecrets(input.message)).slice(0, 2000) : null,
    });
    this.schedule(this.config.AUDIT_FLUSH_MS);
  }

  /** Stores everything queued so far (tests and shutdown). */
  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length && Date.now() < deadline) {
      await (this.flushing ?? this.flushOnce());
      if (this.failures) await sleepMs(100);
    }
    if (this.flushing) await this.flushing;
  }

  /** Before the database closes: what is queued is stored (up to the shutdown timeout). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** Entries that came while the other modules shut down, if the database is still there. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.drain();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Stores what is queued and waits out a batch already taken off the queue: its
   * transaction may still wait (on another process's chain lock, on a slow database), and
   * closing the pool under it would lose the whole batch.
   */
  private async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + this.config.SHUTDOWN_TIMEOUT_MS;
    while ((this.pending.length || this.flushing) && Date.now() < deadline) {
      await within(this.flushOnce(), deadline - Date.now());
      if (this.pending.length && this.failures) await sleepMs(Math.min(500, deadline - Date.now()));
    }
    const left = this.pending.length + this.storing;
    if (left) log.error(`shutting down with ${left} audit entries not stored`);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushOnce();
    }, delayMs);
    this.timer.unref();
  }

  private flushOnce(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.store().finally(() => {
      this.flushing = undefined;
      this.storing = 0;
      if (this.pending.length)
        this.schedule(
          this.failures
            ? backoffDelay(this.failures, 100, 10_000)
            : this.pending.length >= BATCH
              ? 0
              : this.config.AUDIT_FLUSH_MS,
        );
    });
    return this.flushing;
  }

  private async store(): Promise<void> {
    const batch = this.pending.splice(0, BATCH);
    if (!batch.length) return;
    this.storing = batch.length;
    try {
      const stored = await inTransaction(this.dataSource, async ({ manager }) => {
        const tenants = [...new Set(batch.map((e) => e.tenant_id))].sort();
        const rows: AuditEntry[] = [];
        for (const tenantId of tenants)
          rows.push(
            ...(await this.linked(
              manager,
              tenantId,
              batch.filter((e) => e.tenant_id === tenantId),
            )),
          );
        await this.events.insert(manager, rows);
        return rows;
      });
      this.failures = 0;
      await this.toFile(stored);
    } catch (error) {
      if (transientKindOf(error) !== undefined || this.isConnectionError(error)) {
        this.failures++;
        this.pending.unshift(...batch);
        if (this.failures === 1)
          log.warn(`audit entries wait for the database: ${(error as Error).message}`);
        return;
      }
      // not the database being away: store the entries one tenant at a time, so one
      // tenant's problem (a tenant purged meanwhile) loses only its own entries, loudly
      this.failures = 0;
      await this.storeApart(batch, error as Error);
    }
  }

  private async storeApart(batch: Pending[], cause: Error): Promise<void> {
    for (const tenantId of new Set(batch.map((e) => e.tenant_id))) {
      const own = batch.filter((e) => e.tenant_id === tenantId);
      try {
        const stored = await inTransaction(this.dataSource, async ({ manager }) => {
          const rows = await this.linked(manager, tenantId, own);
          await this.events.insert(manager, rows);
          return rows;
        });
        await this.toFile(stored);
      } catch (error) {
        log.error(`${own.length} audit entries could not be stored`, {
          tenant_id: tenantId,
          event_types: [...new Set(own.map((e) => e.event_type))].join(','),
          error: (error as Error).message,
          batch_error: cause.message,
        });
      }
    }
  }

  /** Takes the tenant's chain and links `entries` after its head (the caller inserts them). */
  private async linked(
    manager: SqlExecutor,
    tenantId: string,
    entries: readonly Pending[],
  ): Promise<AuditEntry[]> {
    await this.events.lockChain(manager, tenantId);
    const head = await this.events.head(manager, tenantId);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    return entries.map((entry) => {
      const linked = { ...entry, seq: ++seq, prev_hash: prev };
      prev = entryHash(linked);
      return { ...linked, hash: prev };
    });
  }

  private isConnectionError(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01';
  }

  private async toFile(rows: readonly AuditEntry[]): Promise<void> {
    if (!this.config.AUDIT_FILE_PATH || !rows.length) return;
    try {
      await appendFile(
        this.config.AUDIT_FILE_PATH,
        rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
        { mode: 0o600 },
      );
    } catch (error) {
      log.error(`could not append to the audit file: ${(error as Error).message}`);
    }
  }
}

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Waits for `work`, or `ms` at most (leaving no timer behind). */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
