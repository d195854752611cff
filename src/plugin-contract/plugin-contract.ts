/**
 * What a plugin is, as the host sees it. Plugins are plain JavaScript modules (CommonJS or
 * ESM) whose default export (or `plugin` export) is a `PluginDefinition`; nothing here
 * requires a plugin to import anything from the host.
 */

/** The host API this build offers; a plugin names the range it needs in `hostApi`. */
export const HOST_API_VERSION = '1.0.0';

export const PLUGIN_TYPES = ['AGENT', 'TOOL', 'MEMORY', 'PROVIDER', 'HOOK', 'MIDDLEWARE'] as const;
export type PluginType = (typeof PLUGIN_TYPES)[number];

/** What a plugin asks to be allowed to do; shown by the admin API. */
export const PLUGIN_PERMISSIONS = [
  'tools:register',
  'agents:register',
  'memory:register',
  'providers:register',
  'hooks:register',
  'http:middleware',
  'goals:read',
  'memory:read',
] as const;
export type PluginPermission = (typeof PLUGIN_PERMISSIONS)[number];

export interface PluginMetadata {
  /** Unique, lower-case letters, digits, `-` and `_`; at most 64 characters. */
  name: string;
  /** The plugin's own semver version. */
  version: string;
  type: PluginType;
  description?: string;
  /** A semver range the host's `HOST_API_VERSION` must satisfy, e.g. `^1.0.0`. */
  hostApi: string;
  permissions?: PluginPermission[];
}

/** JSON Schema (draft 2020-12 subset that zod's `fromJSONSchema` reads). */
export type JsonSchema = Record<string, unknown>;

export type PluginPermissionLevel = 'READ_ONLY' | 'READ_WRITE' | 'EXECUTE' | 'ADMIN';
export type PluginRiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The context a plugin tool runs with: scoped to the calling goal's tenant. */
export interface PluginToolContext {
  tenantId: string;
  goalId: string;
  taskId: string;
  signal?: AbortSignal;
  /** The goal's workspace directory on the host. */
  workspaceDir: string;
  idempotencyKey?: string;
}

export interface PluginToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments; validated before the safety gate as for built-in tools. */
  parameters: JsonSchema;
  permission: PluginPermissionLevel;
  risk: PluginRiskLevel;
  requiresApproval?: boolean;
  hasSideEffects?: boolean;
  run(args: Record<string, unknown>, context: PluginToolContext): Promise<unknown>;
}

export interface PluginAgentKind {
  /** The kind's name, as built-in kinds (`coder`, `researcher`, …). */
  kind: string;
  capabilities: string[];
  systemPrompt: string;
  description?: string;
}

/** An OpenAI-compatible chat endpoint, or a factory of a LangChain chat model. */
export interface PluginChatProvider {
  /** The value of `LLM_PROVIDER` that selects this provider. */
  id: string;
  openAICompatible?: { baseUrl: string; apiKey?: string; model: string };
  /** Returns a LangChain `BaseChatModel`; typed loosely so plugins need no LangChain import. */
  createChatModel?: (options: { model?: string; temperature?: number }) => unknown;
}

export interface PluginEmbeddingProvider {
  /** The value of `EMBEDDING_PROVIDER` that selects this provider. */
  id: string;
  dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}

/** What a memory backend is told about a call: only the calling tenant, never another's. */
export interface PluginMemoryContext {
  tenantId: string;
}

export interface PluginMemoryEntry {
  type: string;
  content: string;
  title: string | null;
  key: string | null;
  importance: number;
  metadata: Record<string, unknown>;
}

export interface PluginMemoryHit {
  /** The backend's own id of the memory (shown as `<type>:<id>`). */
  id: string;
  content: string;
  title?: string | null;
  /** Cosine-like similarity in [-1, 1]; hits are merged with the database's by it. */
  similarity: number;
  metadata?: Record<string, unknown>;
}

/**
 * A memory type kept outside the database: memories written with this type go to `write`,
 * and `search` hits join the calling tenant's memory searches.
 */
export interface PluginMemoryBackend {
  /** Lower-case letters, digits and `_`; not one of the built-in memory types. */
  type: string;
  write(entry: PluginMemoryEntry, context: PluginMemoryContext): Promise<{ id: string }>;
  search(
    query: { text: string; k: number },
    context: PluginMemoryContext,
  ): Promise<PluginMemoryHit[]>;
}

/** Hook points the product emits; domain events are emitted as `event.<type>`. */
export const HOOK_POINTS = [
  'goal.before_create',
  'goal.after_complete',
  'plan.after_create',
  'task.before_execute',
  'task.after_execute',
  'tool.before_call',
  'tool.after_call',
  'llm.before_call',
  'llm.after_call',
  'memory.before_write',
  'agent.after_spawn',
] as const;
export type NamedHookPoint = (typeof HOOK_POINTS)[number];
export type HookPoint = NamedHookPoint | `event.${string}`;

export const HOOK_PRIORITIES = {
  HIGHEST: 0,
  HIGH: 25,
  NORMAL: 50,
  LOW: 75,
  LOWEST: 100,
} as const;
export type HookPriority = keyof typeof HOOK_PRIORITIES;

/**
 * What a handler receives. `payload` may be replaced with `modify` where the hook point
 * allows it; `cancel` stops further handlers and makes the product refuse the action.
 */
export interface HookContext<P = Record<string, unknown>> {
  readonly hook: HookPoint;
  readonly tenantId: string | undefined;
  readonly payload: Readonly<P>;
  /** Replaces the payload (only at hook points that allow it; elsewhere it throws). */
  modify(patch: Partial<P>): void;
  cancel(reason: string): void;
  /** Results of the handlers that ran before this one, by plugin name. */
  readonly results: ReadonlyMap<string, unknown>;
}

export interface PluginHookHandler {
  hook: HookPoint;
  priority?: HookPriority;
  /** The handler's return value is collected into the context's results. */
  handle(context: HookContext): unknown;
}

/** The host API a plugin gets at load: every call is scoped and attributed to it. */
export interface PluginHost {
  readonly apiVersion: string;
  /** The plugin's settings, validated against its `settingsSchema`. */
  readonly settings: Record<string, unknown>;
  readonly log: {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
}

export interface PluginDefinition {
  metadata: PluginMetadata;
  /** JSON Schema of the plugin's settings (read from `PLUGIN_<NAME>_SETTINGS` as JSON). */
  settingsSchema?: JsonSchema;
  load?(host: PluginHost): void | Promise<void>;
  unload?(): void | Promise<void>;
  health?(): { ok: boolean; detail?: string } | Promise<{ ok: boolean; detail?: string }>;
  tools?: PluginToolDefinition[];
  agents?: PluginAgentKind[];
  hooks?: PluginHookHandler[];
  chatProviders?: PluginChatProvider[];
  embeddingProviders?: PluginEmbeddingProvider[];
  memoryBackends?: PluginMemoryBackend[];
  /** Express-style middleware on the named route prefixes, after authentication. */
  middleware?: {
    routes: string[];
    handle(
      request: { method: string; path: string; headers: Record<string, unknown> },
      response: { setHeader(name: string, value: string): void },
      next: (error?: unknown) => void,
    ): void;
  }[];
}
