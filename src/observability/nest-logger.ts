import type { LoggerService } from '@nestjs/common';
import { rootLogger, sanitizeForLog } from './logger';

/** Routes Nest's own logging into the structured pino logger. */
export class NestPinoLogger implements LoggerService {
  log(message: unknown, context?: string) {
    rootLogger().info({ component: context }, text(message));
  }
  error(message: unknown, stackOrContext?: string, context?: string) {
    rootLogger().error({ component: context ?? stackOrContext }, text(message));
  }
  warn(message: unknown, context?: string) {
    rootLogger().warn({ component: context }, text(message));
  }
  debug(message: unknown, context?: string) {
    rootLogger().debug({ component: context }, text(message));
  }
  verbose(message: unknown, context?: string) {
    rootLogger().trace({ component: context }, text(message));
  }
}

function text(message: unknown): string {
  if (message instanceof Error) return sanitizeForLog(`${message.name}: ${message.message}`);
  return sanitizeForLog(typeof message === 'string' ? message : JSON.stringify(message));
}
