import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import { MemoryService } from './memory.service';
import { MEMORY_COLUMNS, MemoryRow } from './memory.types';

export interface MaintenanceReport {
  merged: number;
  summarised: number;
  expired: number;
  forgotten: number;
}

const MERGE_SCAN = 200;
const SUMMARY_BATCH = 50;

/**
 * The memory keeper: merges near-duplicates, summarises old episodes into semantic facts
 * and applies retention (TTL, importance that halves with every half-life without use,
 * forgetting below a threshold). Runs on an interval and on request.
 */
@Injectable()
export class MemoryKeeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MemoryKeeper');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly memory: MemoryService,
  ) {}

  onModuleInit(): void {
    if (!this.config.MEMORY_KEEPER_INTERVAL_MS || !this.config.PROCESS_JOBS) return;
    this.timer = setInterval(() => void this.runAll(), this.config.MEMORY_KEEPER_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async runAll(): Promise<void> {
    try {
      const tenants: Array<{ tenant_id: string }> = await this.dataSource.query(
        `SELECT DISTINCT tenant_id FROM memories`,
      );
      for (const t of tenants) await this.maintain(t.tenant_id);
    } catch (error) {
      this.logger.warn(`memory maintenance failed: ${(error as Error).message}`);
    }
  }

  async maintain(tenantId: string): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { merged: 0, summarised: 0, expired: 0, forgotten: 0 };
    const [, expired]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM memories WHERE tenant_id = $1 AND expires_at IS NOT NULL AND expires_at <= now()`,
      [tenantId],
    );
    report.expired = expired;
    const [, forgotten]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM memories WHERE tenant_id = $1
         AND importance * power(0.5, extract(epoch FROM (now() - coalesce(last_accessed_at, updated_at))) / 86400.0 / $2) < $3`,
      [tenantId, this.config.MEMORY_IMPORTANCE_HALF_LIFE_DAYS, this.config.MEMORY_FORGET_BELOW],
    );
    report.forgotten = forgotten;
    report.merged = await this.mergeDuplicates(tenantId);
    report.summarised = await this.summariseEpisodes(tenantId);
    if (report.merged || report.summarised || report.expired || report.forgotten)
      this.logger.log(`tenant ${tenantId}: ${JSON.stringify(report)}`);
    return report;
  }

  /** Near-duplicates of one type: the older memory survives and absorbs the newer one. */
  private async mergeDuplicates(tenantId: string): Promise<number> {
    const recent: Array<{ id: string; kind: string; embedding: number[] | string }> =
      await this.dataSource.query(
        `SELECT id, kind, embedding FROM memories WHERE tenant_id = $1 AND embedding_dim = $2
         ORDER BY updated_at DESC LIMIT ${MERGE_SCAN}`,
        [tenantId, this.memory.embedder.dimensions],
      );
    const gone = new Set<string>();
    let merged = 0;
    for (const m of recent) {
      if (gone.has(m.id)) continue;
      const vector = parseVector(m.embedding);
      const hits = await this.memory.searchVector(tenantId, vector, {
        types: [m.kind as MemoryRow['kind']],
        k: 3,
        minSimilarity: this.config.MEMORY_DUPLICATE_SIMILARITY,
        touch: false,
      });
      for (const hit of hits) {
        if (hit.memory.id === m.id || gone.has(hit.memory.id)) continue;
        const [keep, drop] = hit.memory.id < m.id ? [hit.memory.id, m.id] : [m.id, hit.memory.id];
        await inTransaction(this.dataSource, async (uow) => {
          const [d]: MemoryRow[] = await uow.manager.query(
            `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
            [drop, tenantId],
          );
          if (!d) return;
          await uow.manager.query(
            `UPDATE memories SET importance = greatest(importance, $3), access_count = access_count + $4,
               verified = verified OR $5, updated_at = now(),
               metadata = jsonb_set(metadata, '{merged_from}', coalesce(metadata->'merged_from', '[]'::jsonb) || to_jsonb($6::text))
             WHERE id = $1 AND tenant_id = $2`,
            [keep, tenantId, d.importance, d.access_count, d.verified, drop],
          );
          await uow.manager.query(
            `UPDATE memory_relations SET memory_id = $1 WHERE memory_id = $2 AND tenant_id = $3`,
            [keep, drop, tenantId],
          );
          await uow.manager.query(`DELETE FROM memories WHERE id = $1 AND tenant_id = $2`, [
            drop,
            tenantId,
          ]);
        });
        gone.add(drop);
        merged++;
        if (drop === m.id) break;
      }
    }
    return merged;
  }

  /** Episodes older than MEMORY_EPISODE_SUMMARY_DAYS become one semantic fact per batch. */
  private async summariseEpisodes(tenantId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const old: MemoryRow[] = await this.dataSource.query(
        `SELECT ${MEMORY_COLUMNS} FROM memories WHERE tenant_id = $1 AND kind = 'episodic'
           AND created_at < now() - make_interval(days => $2) ORDER BY created_at LIMIT ${SUMMARY_BATCH}`,
        [tenantId, this.config.MEMORY_EPISODE_SUMMARY_DAYS],
      );
      if (!old.length) return total;
      const completed = old.filter((m) => m.metadata?.outcome === 'completed').length;
      const failed = old.filter((m) => m.metadata?.outcome === 'failed').length;
      const titles = old.map((m) => (m.title ?? m.content.split('\n')[0]).slice(0, 120));
      const from = new Date(old[0].created_at).toISOString().slice(0, 10);
      const to = new Date(old[old.length - 1].created_at).toISOString().slice(0, 10);
      const [draft] = await this.memory.draft([
        {
          type: 'semantic',
          title: `Summary of ${old.length} episodes (${from} to ${to})`,
          content: `${old.length} past episodes from ${from} to ${to}: ${completed} completed, ${failed} failed, ${old.length - completed - failed} other.\n${titles.map((t) => `- ${t}`).join('\n')}`,
          importance: Math.max(...old.map((m) => Number(m.importance))),
          metadata: { summary_of: old.map((m) => m.id), completed, failed },
          source: { agent: 'memory_keeper' },
          provenance: {
            summarised_from: old.map((m) => ({ id: m.id, goal_id: m.source_goal_id })),
          },
          verified: false,
        },
      ]);
      await inTransaction(this.dataSource, async (uow) => {
        await this.memory.persist(uow, tenantId, [draft]);
        await uow.manager.query(
          `DELETE FROM memories WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
          [tenantId, old.map((m) => m.id)],
        );
      });
      total += old.length;
    }
  }
}

function parseVector(value: number[] | string): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return value.replace(/[{}]/g, '').split(',').map(Number);
}
