import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction } from '../database/transaction';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { MemoryGraphRepository } from './memory-graph.repository';
import { MemorySearch } from './memory-search.service';
import { MemoryStore } from './memory-store.service';
import { MemoryRetentionRepository } from './memory-retention.repository';
import { MemoryRepository } from './memory.repository';

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
    private readonly memories: MemoryRepository,
    private readonly retention: MemoryRetentionRepository,
    private readonly graph: MemoryGraphRepository,
    private readonly embeddings: MemoryEmbeddings,
    private readonly searcher: MemorySearch,
    private readonly store: MemoryStore,
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
      const tenants = await this.retention.tenants(this.dataSource);
      for (const tenantId of tenants) await this.maintain(tenantId);
    } catch (error) {
      this.logger.warn(`memory maintenance failed: ${(error as Error).message}`);
    }
  }

  async maintain(tenantId: string): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { merged: 0, summarised: 0, expired: 0, forgotten: 0 };
    report.expired = await this.retention.deleteExpired(this.dataSource, tenantId);
    report.forgotten = await this.retention.deleteFaded(
      this.dataSource,
      tenantId,
      this.config.MEMORY_IMPORTANCE_HALF_LIFE_DAYS,
      this.config.MEMORY_FORGET_BELOW,
    );
    report.merged = await this.mergeDuplicates(tenantId);
    report.summarised = await this.summariseEpisodes(tenantId);
    if (report.merged || report.summarised || report.expired || report.forgotten)
      this.logger.log(`tenant ${tenantId}: ${JSON.stringify(report)}`);
    return report;
  }

  /** Near-duplicates of one type: the older memory survives and absorbs the newer one. */
  private async mergeDuplicates(tenantId: string): Promise<number> {
    const recent = await this.retention.recentEmbedded(
      this.dataSource,
      tenantId,
      this.embeddings.embedder.dimensions,
      MERGE_SCAN,
    );
    const gone = new Set<string>();
    let merged = 0;
    for (const m of recent) {
      if (gone.has(m.id)) continue;
      const vector = parseVector(m.embedding);
      const hits = await this.searcher.searchVector(tenantId, vector, {
        types: [m.kind],
        k: 3,
        minSimilarity: this.config.MEMORY_DUPLICATE_SIMILARITY,
        touch: false,
      });
      for (const hit of hits) {
        if (hit.memory.id === m.id || gone.has(hit.memory.id)) continue;
        const [keep, drop] = hit.memory.id < m.id ? [hit.memory.id, m.id] : [m.id, hit.memory.id];
        await inTransaction(this.dataSource, async (uow) => {
          const dropped = await this.retention.lockForMerge(uow.manager, tenantId, drop);
          if (!dropped) return;
          await this.retention.absorb(uow.manager, tenantId, keep, dropped);
          await this.graph.moveCitations(uow.manager, tenantId, drop, keep);
          await this.memories.deleteById(uow.manager, tenantId, drop);
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
      const old = await this.retention.oldEpisodes(
        this.dataSource,
        tenantId,
        this.config.MEMORY_EPISODE_SUMMARY_DAYS,
        SUMMARY_BATCH,
      );
      if (!old.length) return total;
      const completed = old.filter((m) => m.metadata?.outcome === 'completed').length;
      const failed = old.filter((m) => m.metadata?.outcome === 'failed').length;
      const titles = old.map((m) => (m.title ?? m.content.split('\n')[0]).slice(0, 120));
      const from = new Date(old[0].created_at).toISOString().slice(0, 10);
      const to = new Date(old[old.length - 1].created_at).toISOString().slice(0, 10);
      const [draft] = await this.embeddings.draft([
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
        await this.store.persist(uow, tenantId, [draft]);
        await this.memories.deleteMany(
          uow.manager,
          tenantId,
          old.map((m) => m.id),
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
