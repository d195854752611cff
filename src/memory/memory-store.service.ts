import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, NotFound, uuidv7 } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { HookManager } from '../hooks/hook-manager';
import { MemoryEmbeddings } from './memory-embeddings.service';
import { KindCounts, MemoryRepository, MemoryWriteItem } from './memory.repository';
import {
  embeddingText,
  MemoryDraft,
  MemoryInput,
  MemoryRow,
  MemoryView,
  toView,
} from './memory.types';
import { vectorLiteral } from './vector-literal';

const EXPORT_PAGE = 500;

export interface MemoryPatch {
  content?: string;
  title?: string | null;
  importance?: number;
  metadata?: Record<string, unknown>;
}

/**
 * The tenant's memories as records: written with provenance, importance and retention,
 * read (a read counts as an access), edited, forgotten, exported. Every statement filters
 * by tenant.
 */
@Injectable()
export class MemoryStore {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly embeddings: MemoryEmbeddings,
    private readonly memories: MemoryRepository,
    private readonly hooks: HookManager,
  ) {}

  /**
   * Writes drafts inside the caller's transaction, in one statement; a known dedupe key
   * updates in place. Rows come back in the order of the drafts.
   */
  async persist(
    uow: UnitOfWork,
    tenantId: string,
    drafts: MemoryDraft[],
    checked = false,
  ): Promise<MemoryRow[]> {
    if (!checked) drafts = this.writable(tenantId, drafts).drafts;
    if (!drafts.length) return [];
    const keys = drafts.map((d) => d.dedupe_key).filter((k): k is string => !!k);
    // one statement cannot update the same row twice: repeated keys are written one by one
    if (new Set(keys).size !== keys.length) {
      const rows: MemoryRow[] = [];
      for (const d of drafts) rows.push(...(await this.persist(uow, tenantId, [d], true)));
      return rows;
    }
    const items = drafts.map((d, ord) => this.writeItem(d, ord));
    const rows = await this.memories.insertBatch(
      uow.manager,
      tenantId,
      items,
      this.embeddings.origin,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byKey = new Map(rows.filter((r) => r.dedupe_key).map((r) => [r.dedupe_key, r]));
    return items.map(({ id, dedupe_key }) => {
      const { dedupe_key: _key, ...row } = (byId.get(id) ?? byKey.get(dedupe_key))!;
      return row;
    });
  }

  /**
   * The drafts plugins' `memory.before_write` handlers let through. Emitted synchronously,
   * since writes happen inside their transaction: an asynchronous handler fails here.
   */
  private writable(
    tenantId: string,
    drafts: MemoryDraft[],
  ): { drafts: MemoryDraft[]; refused?: { plugin: string; reason: string } } {
    if (!this.hooks.has('memory.before_write')) return { drafts };
    let refused: { plugin: string; reason: string } | undefined;
    const kept = drafts.filter((d) => {
      const { cancelled } = this.hooks.emitSync('memory.before_write', tenantId, {
        kind: d.type,
        title: d.title ?? null,
        key: d.key ?? null,
        content: d.content,
        metadata: d.metadata ?? {},
        importance: d.importance ?? 0.5,
        source_goal_id: d.source?.goal_id ?? null,
        source_task_id: d.source?.task_id ?? null,
      });
      refused ??= cancelled;
      return !cancelled;
    });
    return { drafts: kept, refused };
  }

  private writeItem(d: MemoryDraft, ord: number): MemoryWriteItem {
    const ttl = this.config.MEMORY_TTL_DAYS;
    return {
      ord,
      id: uuidv7(),
      kind: d.type,
      title: d.title ?? null,
      key: d.key ?? null,
      content: d.content,
      metadata: d.metadata ?? {},
      importance: clamp01(d.importance ?? 0.5),
      source_goal_id: d.source?.goal_id ?? null,
      source_task_id: d.source?.task_id ?? null,
      source_agent: d.source?.agent ?? null,
      source_model: d.source?.model ?? null,
      provenance: d.provenance ?? {},
      verified: d.verified ?? false,
      dedupe_key: d.dedupe_key ?? null,
      expires_at:
        d.expires_at !== undefined
          ? d.expires_at
          : ttl > 0
            ? new Date(Date.now() + ttl * 86_400_000)
            : null,
      embedding: vectorLiteral(d.embedding),
    };
  }

  async create(tenantId: string, input: MemoryInput): Promise<MemoryView> {
    const [draft] = await this.embeddings.draft([input]);
    const { refused } = this.writable(tenantId, [draft]);
    if (refused) throw new MemoryRefusedByPlugin(refused.plugin, refused.reason);
    const [row] = await inTransaction(this.dataSource, (uow) =>
      this.persist(uow, tenantId, [draft], true),
    );
    return toView(row);
  }

  /** One memory; reading it counts as an access. */
  async get(tenantId: string, id: string): Promise<MemoryView> {
    const row = await this.memories.touch(this.dataSource, tenantId, id);
    if (!row) throw new NotFound('memory', id);
    return toView(row);
  }

  /** Edits a memory; changed text is re-embedded. */
  async update(tenantId: string, id: string, patch: MemoryPatch): Promise<MemoryView> {
    const current = await this.memories.byId(this.dataSource, tenantId, id);
    if (!current) throw new NotFound('memory', id);
    const title = patch.title !== undefined ? patch.title : current.title;
    const content = patch.content ?? current.content;
    const embedding = await this.embeddings.embed(embeddingText({ title, content }));
    const row = await this.memories.edit(
      this.dataSource,
      tenantId,
      id,
      {
        title,
        content,
        importance: patch.importance ?? null,
        metadata: patch.metadata ?? {},
        embedding,
      },
      this.embeddings.origin,
    );
    if (!row) throw new NotFound('memory', id);
    return toView(row);
  }

  /** Forgets a memory on request. */
  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.memories.deleteById(this.dataSource, tenantId, id)))
      throw new NotFound('memory', id);
  }

  /** One access counted for each of the memories (a recall). */
  countAccess(tenantId: string, ids: string[]): Promise<void> {
    return this.memories.countAccess(this.dataSource, tenantId, ids);
  }

  /** All of a tenant's memories in id order, a page at a time (for JSON Lines export). */
  async *exportAll(tenantId: string): AsyncGenerator<MemoryView> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.memories.pageAfter(this.dataSource, tenantId, after, EXPORT_PAGE);
      for (const row of rows) yield toView(row);
      if (rows.length < EXPORT_PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }

  countsByKind(tenantId: string): Promise<KindCounts[]> {
    return this.memories.countsByKind(this.dataSource, tenantId);
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** A plugin's `memory.before_write` handler refused the memory (422, as a refused goal). */
export class MemoryRefusedByPlugin extends DomainError {
  constructor(plugin: string, reason: string) {
    super(
      422,
      'memory-refused-by-plugin',
      'Memory refused by a plugin',
      `Plugin ${plugin} refused the memory: ${reason}`,
      { plugin, reason },
    );
  }
}
