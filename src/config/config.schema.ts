import { z } from 'zod';
import { API_KEY_PATTERN } from '../common/api-key-pattern';
import {
  RATE_LIMIT_SCOPES,
  RATE_LIMIT_STRATEGIES,
  type RateLimitRuleDefinition,
} from '../common/rate-limit-rule';
import { TENANT_TIERS } from '../common/tenant-tier';
import { isValidCidr, isValidIp } from '#net/ip-rules';
import { identitySettings } from './identity-settings';
import { webhookSettings } from './webhook-settings';
import { mcpSettings } from './mcp-settings';
import { bool, commaList, hostList, int, url } from './setting-types';

/** A built-in provider's name or a plugin provider's id; which ids exist is known once plugins load. */
const providerId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a provider id (lower-case letters, digits, - and _)');
const isIpOrCidr = (v: string) => (v.includes('/') ? isValidCidr(v) : isValidIp(v));
const isOriginOrSelf = (v: string) => {
  if (v === 'self') return true;
  try {
    const url = new URL(v);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === v;
  } catch {
    return false;
  }
};

const rateLimitRule = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'must be a name of letters, digits, . _ -'),
    path: z.string().regex(/^\/\S*$/, 'must be a path pattern starting with /'),
    methods: z
      .array(z.string().regex(/^[a-z]+$/i))
      .default([])
      .transform((m) => m.map((x) => x.toUpperCase())),
    strategy: z.enum(RATE_LIMIT_STRATEGIES).default('SLIDING_WINDOW'),
    scope: z.enum(RATE_LIMIT_SCOPES).default('IP'),
    limit: z.number().int().min(1).max(1_000_000_000),
    window_s: z
      .number()
      .int()
      .min(1)
      .max(86_400 * 31),
    key_header: z
      .string()
      .regex(/^[a-z0-9-]+$/i)
      .optional(),
  })
  .refine((r) => r.scope !== 'CUSTOM' || r.key_header, {
    message: 'a CUSTOM rule needs key_header',
  })
  .transform((r): RateLimitRuleDefinition => ({
    name: r.name,
    path: r.path,
    methods: r.methods,
    strategy: r.strategy,
    scope: r.scope,
    limit: r.limit,
    windowS: r.window_s,
    keyHeader: r.key_header?.toLowerCase(),
  }));

const rateLimitRules = z
  .string()
  .default('[]')
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of rules' });
      return z.NEVER;
    }
  })
  .pipe(z.array(rateLimitRule))
  .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, {
    message: 'rule names must be unique',
  });

export const DASHBOARD_PANELS = ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'] as const;
export type DashboardPanel = (typeof DASHBOARD_PANELS)[number];

/**
 * Every setting the product reads, with its default. `.env.example` documents each one;
 * a test keeps the two in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DB_MIGRATE_ON_START: bool.default(true),
  DB_POOL_SIZE: int(1, 200).default(10),
  DB_PREPARED_STATEMENTS: bool.default(true),
  PGLITE_SHARED_BUFFERS_MB: int(16, 1024).default(256),

  REDIS_URL: url(['redis', 'rediss']).optional(),
  PROCESS_JOBS: bool.default(true),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i, 'must be letters, digits, : _ -')
    .default('av'),
  /**
   * Goals a process runs at once. Model calls wait on the network, so 200 (measured by
   * bench:load, in both modes: past it the process's one CPU core sets the pace anyway).
   */
  JOB_CONCURRENCY: int(1, 1000).default(200),
  JOB_ATTEMPTS: int(1, 50).default(5),
  JOB_BACKOFF_MS: int(1, 600000).default(1000),
  QUEUE_STALLED_INTERVAL_MS: int(1000, 600000).default(10000),
  SHUTDOWN_TIMEOUT_MS: int(100, 600000).default(30000),
  /** What this process says it can do in the worker registry (probed ones are added). */
  WORKER_CAPABILITIES: z
    .string()
    .regex(/^[a-z0-9_:./ ,-]*$/i, 'must be a comma list of names (letters, digits, _ : . / -)')
    .default(
      'goal_execution,task_execution,agent_spawning,llm_inference,file_operations,web_operations,memory_operations',
    ),
  /**
   * Where jobs go: `pull` (workers compete for shared queues) or a strategy that places each
   * job on one chosen worker's own queue. Strategies need REDIS_URL.
   */
  WORKER_DISPATCH: z
    .enum(['pull', 'round_robin', 'least_loaded', 'weighted_random', 'capability_match'])
    .default('pull'),
  /** Task capabilities only some workers have: a task needing one runs only where it is. */
  WORKER_ROUTED_CAPABILITIES: z
    .string()
    .regex(/^[a-z0-9_:./ ,-]*$/i, 'must be a comma list of names (letters, digits, _ : . / -)')
    .default('code'),
  /** Task jobs one process runs at once for goals driven elsewhere. */
  WORKER_TASK_CONCURRENCY: int(1, 1000).default(20),
  WORKER_HEARTBEAT_MS: int(100, 600_000).default(5000),
  WORKER_OFFLINE_AFTER_MS: int(300, 3_600_000).default(15000),

  /** offline, openai, ollama, anthropic, or a plugin chat provider's id (checked once plugins load). */
  LLM_PROVIDER: providerId.optional(),
  LLM_BASE_URL: url(['http', 'https']).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: int(100, 600000).default(60000),
  LLM_MAX_RETRIES: int(0, 10).default(3),
  LLM_RETRY_BASE_MS: int(1, 60000).default(500),
  LLM_RETRY_MAX_MS: int(1, 600000).default(20000),
  /** How long a call waits for an unreachable model server (refused, 502/503/504) before failing. */
  LLM_OUTAGE_MAX_MS: int(0, 86_400_000).default(600_000),
  /** The longest pause between two tries of a call while the model server is unreachable. */
  LLM_OUTAGE_PROBE_MS: int(1, 600000).default(2000),
  LLM_STRUCTURED_RETRIES: int(0, 5).default(2),
  LLM_STRUCTURED_MODE: z.enum(['auto', 'json_schema', 'tool', 'prompt']).default('auto'),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  /** A task's free-text answer streams to the goal's WebSocket subscribers while it is written. */
  LLM_STREAM_TASK_OUTPUT: bool.default(true),
  LLM_PRICES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, { input: number; output: number }>;
      try {
        return z
          .record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) }))
          .parse(JSON.parse(v));
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be JSON like {"model":{"input":0.15,"output":0.6}} (USD per 1M tokens)',
        });
        return z.NEVER;
      }
    }),

  GOAL_MAX_CHARS: int(1, 1_000_000).default(20000),
  BODY_LIMIT_BYTES: int(1024, 50_000_000).default(1_048_576),
  JSON_MAX_DEPTH: int(2, 1000).default(64),
  TASK_CONCURRENCY: int(1, 1000).default(20),
  TASK_MAX_ATTEMPTS: int(1, 10).default(3),
  TASK_RETRY_BASE_MS: int(0, 600000).default(500),
  TASK_TOOL_ITERATIONS: int(1, 100).default(8),
  MAX_REPLANS: int(0, 10).default(3),
  LEASE_TTL_MS: int(500, 3_600_000).default(10000),
  SWEEPER_INTERVAL_MS: int(100, 3_600_000).default(5000),
  RETENTION_DAYS: int(1, 3650).default(30),

  ...identitySettings,
  ...webhookSettings,
  ...mcpSettings,
  PERMISSION_CACHE_TTL_MS: int(0, 3_600_000).default(60_000),
  AUTH_CACHE_TTL_MS: int(0, 600_000).default(5_000),
  API_KEY_RATE_PER_MINUTE: int(1, 10_000_000).default(600),
  API_KEY_RATE_PER_HOUR: int(1, 100_000_000).default(20_000),
  API_KEY_RATE_PER_DAY: int(1, 1_000_000_000).default(200_000),
  API_KEY_RATE_BURST: int(1, 1_000_000).default(100),
  RATE_LIMIT_ENABLED: bool.default(true),
  RATE_LIMIT_RULES: rateLimitRules,
  RATE_LIMIT_EXEMPT_PATHS: z
    .string()
    .default('/health/**,/metrics')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  RATE_LIMIT_EXEMPT_IPS: commaList.refine((list) => list.every((e) => isIpOrCidr(e)), {
    message: 'must be a comma-separated list of IP addresses or CIDRs',
  }),
  RATE_LIMIT_TIER_DEFAULTS: bool.default(false),
  /** Record the audit log (every mutation, sign-in, refusal, tenant, goal and agent event). */
  AUDIT_ENABLED: bool.default(true),
  /** Days an audit entry is kept; SECURITY and AUTHENTICATION entries keep theirs. */
  AUDIT_RETENTION_DAYS: int(0, 36_500).default(90),
  AUDIT_RETENTION_SECURITY_DAYS: int(0, 36_500).default(365),
  AUDIT_RETENTION_INTERVAL_MS: int(1_000, 86_400_000).default(3_600_000),
  /** Signs retention checkpoints (32+ characters); embedded mode keeps a key file of its own. */
  AUDIT_SIGNING_KEY: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  /** Also append every stored entry to this JSONL file. */
  AUDIT_FILE_PATH: z.string().min(1).optional(),
  AUDIT_FLUSH_MS: int(1, 60_000).default(100),
  /** The tier of a tenant created without one. */
  TENANT_DEFAULT_TIER: z.enum(TENANT_TIERS).default('FREE'),
  /** How long a deleted tenant's data is kept before the purge removes it. */
  TENANT_RETENTION_DAYS: int(0, 3650).default(30),
  TENANT_PURGE_INTERVAL_MS: int(1_000, 86_400_000).default(3_600_000),
  /** How long a process trusts what it read of a tenant (status, tier, quotas) without a signal. */
  TENANT_CACHE_MS: int(0, 600_000).default(5_000),
  RATE_LIMIT_RULES_REFRESH_MS: int(0, 3_600_000).default(5_000),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    )
    .refine((list) => list.every((e) => isIpOrCidr(e)), {
      message: 'must be a comma-separated list of IP addresses or CIDRs',
    }),
  TENANT_BASE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name like example.com')
    .optional(),
  BOOTSTRAP_ADMIN_EMAIL: z
    .string()
    .email({ message: 'must be an email address' })
    .default('admin@agent-village.local'),
  BOOTSTRAP_ADMIN_PASSWORD: z
    .string()
    .min(12, { message: 'must be at least 12 characters' })
    .optional(),
  BOOTSTRAP_ADMIN_API_KEY: z
    .string()
    .regex(API_KEY_PATTERN, 'must be an API key like ak_{12 hex}_{43 base64url}')
    .optional(),
  TOOLS_FILE_MAX_BYTES: int(1, 100_000_000).default(5_000_000),
  TOOLS_HTTP_ALLOW_HOSTS: hostList,
  TOOLS_HTTP_TIMEOUT_MS: int(100, 600_000).default(15000),
  TOOLS_HTTP_MAX_BYTES: int(1, 100_000_000).default(2_000_000),
  TOOLS_HTTP_MAX_REDIRECTS: int(0, 20).default(5),
  TOOLS_HTTP_MAX_TEXT_CHARS: int(100, 10_000_000).default(100_000),

  PLUGINS: commaList,
  PLUGINS_DIR: z.string().min(1).optional(),
  PLUGINS_SCAN_PACKAGES: bool.default(true),
  PLUGIN_LOAD_TIMEOUT_MS: int(100, 600_000).default(10000),
  PLUGIN_HEALTH_TIMEOUT_MS: int(10, 60_000).default(2000),
  /** Time one plugin hook handler may take before it is counted failed and ignored. */
  PLUGIN_HOOK_TIMEOUT_MS: int(1, 60_000).default(2000),

  SANDBOX_BWRAP_PATH: z.string().min(1).default('/usr/bin/bwrap'),
  SANDBOX_PYTHON_PATH: z.string().min(1).default('/usr/bin/python3'),
  SANDBOX_UID: int(1, 2_147_483_647).default(65534),
  SANDBOX_GID: int(1, 2_147_483_647).default(65534),
  SANDBOX_CPU_SECONDS: int(1, 3600).default(30),
  SANDBOX_MEMORY_MB: int(16, 65536).default(512),
  SANDBOX_MAX_PROCESSES: int(1, 4096).default(64),
  SANDBOX_MAX_FILE_MB: int(1, 10240).default(100),
  SANDBOX_TMP_MB: int(1, 10240).default(64),
  SANDBOX_MAX_OUTPUT_BYTES: int(1024, 100_000_000).default(1_000_000),
  SANDBOX_WALL_MS: int(100, 3_600_000).default(60000),

  SAFETY_MAX_RECURSION_DEPTH: int(1, 1000).default(10),
  SAFETY_MAX_TOKENS: int(1, 1_000_000_000).default(500_000),
  SAFETY_MAX_COST_USD: z.coerce.number({ message: 'must be a number' }).min(0).default(10),
  SAFETY_MAX_AGENTS: int(1, 100_000).default(50),
  SAFETY_MAX_TOOL_CALLS: int(1, 1_000_000).default(200),
  SAFETY_MAX_WALL_MS: int(1000, 604_800_000).default(3_600_000),
  SAFETY_MAX_RISK: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).default('HIGH'),
  SAFETY_MAX_CONCURRENCY: int(1, 10_000).default(20),
  SAFETY_APPROVAL_CATEGORIES: z
    .string()
    .default('deploy,delete,payment,admin,code_execution')
    .refine(
      (v) =>
        v.trim().toLowerCase() === 'none' ||
        v
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean)
          .every((c) => ['deploy', 'delete', 'payment', 'admin', 'code_execution'].includes(c)),
      { message: 'must be "none" or a list of deploy, delete, payment, admin, code_execution' },
    ),
  APPROVAL_TTL_MS: int(1000, 2_592_000_000).default(86_400_000),
  /** local, openai, or a plugin embedding provider's id (checked once plugins load). */
  EMBEDDING_PROVIDER: providerId.optional(),
  EMBEDDING_BASE_URL: url(['http', 'https']).optional(),
  EMBEDDING_API_KEY: z.string().min(1).optional(),
  EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  EMBEDDING_DIMENSIONS: int(8, 4096).default(384),
  MEMORY_RECALL_K: int(1, 100).default(8),
  MEMORY_RECALL_MIN_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.3),
  MEMORY_PROCEDURE_MIN_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.75),
  MEMORY_DUPLICATE_SIMILARITY: z.coerce.number().min(0).max(1).default(0.95),
  MEMORY_EPISODE_SUMMARY_DAYS: int(1, 3650).default(30),
  MEMORY_IMPORTANCE_HALF_LIFE_DAYS: int(1, 36500).default(90),
  MEMORY_FORGET_BELOW: z.coerce.number().min(0).max(1).default(0.05),
  MEMORY_TTL_DAYS: int(0, 36500).default(0),
  MEMORY_KEEPER_INTERVAL_MS: int(0, 86_400_000).default(3_600_000),
  EVOLUTION_MIN_TRIALS: int(1, 1000).default(5),
  EVOLUTION_MIN_UPLIFT: z.coerce.number().min(0).max(1).default(0.15),

  AGENT_SPAWN_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.75),
  AGENT_SPAWN_LIMIT_PER_GOAL: int(0, 10000).default(50),
  AGENT_MAX_RUNNING: int(1, 10000).default(20),
  AGENT_EXPLORATION_RATE: z.coerce.number().min(0).max(0.5).default(0.05),
  SWARM_CONCURRENCY: int(1, 1000).default(20),
  SWARM_MAX_UNITS: int(1, 200).default(100),
  LEDGER_MAX_STALLS: int(1, 100).default(3),
  WS_MAX_BUFFER_BYTES: int(1024, 1_073_741_824).default(4_194_304),
  WS_MAX_BACKLOG: int(10, 1_000_000).default(10000),
  WS_MAX_MESSAGE_BYTES: int(256, 16_777_216).default(65536),
  WS_HEARTBEAT_MS: int(0, 3_600_000).default(30000),
  WS_ALLOWED_ORIGINS: z
    .string()
    .default('self')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().toLowerCase().replace(/\/$/, ''))
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every(isOriginOrSelf), {
      message: 'must be a comma-separated list of origins like https://app.example.com, or self',
    }),

  DASHBOARD_ENABLED: bool.default(true),
  DASHBOARD_TITLE: z.string().min(1).max(120).default('Agent Village'),
  DASHBOARD_REFRESH_MS: int(500, 3_600_000).default(5000),
  DASHBOARD_THEME: z.enum(['dark', 'light']).default('dark'),
  DASHBOARD_API_URL: url(['http', 'https']).optional(),
  DASHBOARD_WS_URL: url(['ws', 'wss']).optional(),
  DASHBOARD_PANELS: z
    .string()
    .default('stats,tenant,goals,agents,metrics,logs')
    .transform((v, ctx) => {
      const panels = v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const unknown = panels.filter((p) => !DASHBOARD_PANELS.includes(p as DashboardPanel));
      if (unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown panel(s) ${unknown.join(', ')}; use ${DASHBOARD_PANELS.join(', ')}`,
        });
        return z.NEVER;
      }
      return panels as DashboardPanel[];
    }),

  METRICS_ENABLED: bool.default(true),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{32,512}$/, 'must be 32 to 512 printable characters without spaces')
    .optional(),
  WORKER_METRICS_PORT: int(0, 65535).default(0),
});

export type RawConfig = z.infer<typeof configSchema>;
