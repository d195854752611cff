import pino, { Logger as PinoLogger } from 'pino';
import { currentContext } from '../common/request-context';

/** Paths pino removes from every log line: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
  'plaintext',
  '*.plaintext',
  'secretHash',
  '*.secretHash',
  'passwordHash',
  '*.passwordHash',
  'code',
  '*.code',
  'challenge_token',
  '*.challenge_token',
  'backup_codes',
  '*.backup_codes',
];

let root: PinoLogger | undefined;

/** The process logger; a level given here (at process start) applies from then on. */
export function rootLogger(level?: string): PinoLogger {
  if (root && level) root.level = level;
  root ??= pino({
    level: level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentContext();
      return ctx
        ? {
            request_id: ctx.requestId,
            tenant_id: ctx.tenantId,
            ...(ctx.goalId ? { goal_id: ctx.goalId } : {}),
          }
        : {};
    },
  });
  return root;
}

/** CR and LF in user-supplied text would forge log lines. */
export function sanitizeForLog(value: string): string {
  return value.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** The few methods code outside Nest needs. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function logFor(component: string): Log {
  const child = () => rootLogger().child({ component });
  return {
    info: (message, fields) => child().info(fields ?? {}, sanitizeForLog(message)),
    warn: (message, fields) => child().warn(fields ?? {}, sanitizeForLog(message)),
    error: (message, fields) => child().error(fields ?? {}, sanitizeForLog(message)),
  };
}
