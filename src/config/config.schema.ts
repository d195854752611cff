import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be an integer' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });
const url = (protocols: string[]) =>
  z
    .string()
    .url({ message: 'must be a URL' })
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must use ${protocols.join(' or ')}`,
    });

export const DASHBOARD_PANELS = ['stats', 'goals', 'agents', 'metrics', 'logs'] as const;
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

  REDIS_URL: url(['redis', 'rediss']).optional(),
  PROCESS_JOBS: bool.default(true),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i, 'must be letters, digits, : _ -')
    .default('av'),
  JOB_CONCURRENCY: int(1, 1000).default(10),
  JOB_ATTEMPTS: int(1, 50).default(5),
  JOB_BACKOFF_MS: int(1, 600000).default(1000),
  QUEUE_STALLED_INTERVAL_MS: int(1000, 600000).default(30000),
  SHUTDOWN_TIMEOUT_MS: int(100, 600000).default(30000),

  LLM_PROVIDER: z.enum(['offline', 'openai', 'ollama', 'anthropic']).optional(),
  LLM_BASE_URL: url(['http', 'https']).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: int(100, 600000).default(60000),
  LLM_MAX_RETRIES: int(0, 10).default(3),
  LLM_RETRY_BASE_MS: int(1, 60000).default(500),
  LLM_RETRY_MAX_MS: int(1, 600000).default(20000),
  LLM_STRUCTURED_RETRIES: int(0, 5).default(2),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
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
  TASK_CONCURRENCY: int(1, 1000).default(20),
  TASK_MAX_ATTEMPTS: int(1, 10).default(3),
  TASK_RETRY_BASE_MS: int(0, 600000).default(500),
  TASK_TOOL_ITERATIONS: int(1, 100).default(8),
  MAX_REPLANS: int(0, 10).default(3),
  LEASE_TTL_MS: int(500, 3_600_000).default(30000),
  SWEEPER_INTERVAL_MS: int(100, 3_600_000).default(15000),
  RETENTION_DAYS: int(1, 3650).default(30),

  WS_MAX_BUFFER_BYTES: int(1024, 1_073_741_824).default(4_194_304),
  WS_MAX_BACKLOG: int(10, 1_000_000).default(10000),
  WS_MAX_MESSAGE_BYTES: int(256, 16_777_216).default(65536),
  WS_HEARTBEAT_MS: int(0, 3_600_000).default(30000),

  DASHBOARD_ENABLED: bool.default(true),
  DASHBOARD_TITLE: z.string().min(1).max(120).default('Agent Village'),
  DASHBOARD_REFRESH_MS: int(500, 3_600_000).default(5000),
  DASHBOARD_THEME: z.enum(['dark', 'light']).default('dark'),
  DASHBOARD_API_URL: url(['http', 'https']).optional(),
  DASHBOARD_WS_URL: url(['ws', 'wss']).optional(),
  DASHBOARD_PANELS: z
    .string()
    .default('stats,goals,agents,metrics,logs')
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
  WORKER_METRICS_PORT: int(0, 65535).default(0),
});

export type RawConfig = z.infer<typeof configSchema>;
