import { z } from 'zod';
import { API_KEY_PATTERN } from '../apikeys/api-key-format';
import { isValidCidr, isValidIp } from '../apikeys/ip-rules';

const isIpOrCidr = (v: string) => (v.includes('/') ? isValidCidr(v) : isValidIp(v));

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

  SESSION_TTL_MINUTES: int(1, 525_600).default(720),
  SESSION_COOKIE_SECURE: bool.default(true),
  LOGIN_MAX_FAILURES: int(1, 100).default(5),
  LOGIN_LOCKOUT_BASE_MS: int(1, 86_400_000).default(60_000),
  LOGIN_LOCKOUT_MAX_MS: int(1, 604_800_000).default(3_600_000),
  PERMISSION_CACHE_TTL_MS: int(0, 3_600_000).default(60_000),
  AUTH_CACHE_TTL_MS: int(0, 600_000).default(5_000),
  API_KEY_RATE_PER_MINUTE: int(1, 10_000_000).default(600),
  API_KEY_RATE_PER_HOUR: int(1, 100_000_000).default(20_000),
  API_KEY_RATE_PER_DAY: int(1, 1_000_000_000).default(200_000),
  API_KEY_RATE_BURST: int(1, 1_000_000).default(100),
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

  AGENT_SPAWN_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.75),
  AGENT_SPAWN_LIMIT_PER_GOAL: int(0, 10000).default(50),
  AGENT_MAX_RUNNING: int(1, 10000).default(20),
  AGENT_EXPLORATION_RATE: z.coerce.number().min(0).max(0.5).default(0.05),
  SWARM_CONCURRENCY: int(1, 1000).default(20),
  SWARM_MAX_UNITS: int(1, 200).default(100),
  LEDGER_MAX_STALLS: int(1, 100).default(3),
});

export type RawConfig = z.infer<typeof configSchema>;
