export const MEMORY_TYPES = ['episodic', 'semantic', 'procedural', 'strategic'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

export interface MemorySource {
  goal_id?: string | null;
  task_id?: string | null;
  agent?: string | null;
  model?: string | null;
}

/** A memory to store; `dedupe_key` makes writing it again an update (idempotent steps). */
export interface MemoryInput {
  type: MemoryType;
  content: string;
  title?: string | null;
  key?: string | null;
  importance?: number;
  metadata?: Record<string, unknown>;
  source?: MemorySource;
  provenance?: Record<string, unknown>;
  verified?: boolean;
  expires_at?: Date | null;
  dedupe_key?: string | null;
}

/** A memory with its embedding, ready to be written inside a transaction. */
export interface MemoryDraft extends MemoryInput {
  embedding: number[];
}

export interface MemoryRow {
  id: string;
  tenant_id: string;
  kind: MemoryType;
  title: string | null;
  key: string | null;
  content: string;
  metadata: Record<string, unknown>;
  importance: number;
  source_goal_id: string | null;
  source_task_id: string | null;
  source_agent: string | null;
  source_model: string | null;
  provenance: Record<string, unknown>;
  verified: boolean;
  access_count: number;
  last_accessed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  embedding_model: string | null;
  embedding_dim: number | null;
}

export interface MemoryView {
  id: string;
  /** A built-in type, or a plugin's memory type (its memories are kept by the plugin). */
  type: string;
  title: string | null;
  key: string | null;
  content: string;
  importance: number;
  verified: boolean;
  source: {
    goal_id: string | null;
    task_id: string | null;
    agent: string | null;
    model: string | null;
  };
  provenance: Record<string, unknown>;
  metadata: Record<string, unknown>;
  access_count: number;
  last_accessed_at: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  embedding_model: string | null;
}

export function toView(row: MemoryRow): MemoryView {
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    type: row.kind,
    title: row.title,
    key: row.key,
    content: row.content,
    importance: Number(row.importance),
    verified: row.verified,
    source: {
      goal_id: row.source_goal_id,
      task_id: row.source_task_id,
      agent: row.source_agent,
      model: row.source_model,
    },
    provenance: row.provenance ?? {},
    metadata: row.metadata ?? {},
    access_count: Number(row.access_count),
    last_accessed_at: iso(row.last_accessed_at),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    expires_at: iso(row.expires_at),
    embedding_model: row.embedding_model,
  };
}

/** Text that is embedded for a memory. */
export function embeddingText(m: { title?: string | null; content: string }): string {
  return m.title ? `${m.title}\n${m.content}` : m.content;
}

/** The columns of a memory as the application reads it (never the embedding itself). */
export const MEMORY_COLUMNS = [
  'id',
  'tenant_id',
  'kind',
  'title',
  'key',
  'content',
  'metadata',
  'importance',
  'source_goal_id',
  'source_task_id',
  'source_agent',
  'source_model',
  'provenance',
  'verified',
  'access_count',
  'last_accessed_at',
  'created_at',
  'updated_at',
  'expires_at',
  'embedding_model',
  'embedding_dim',
] as const;
