import type { INestApplicationContext } from '@nestjs/common';
import type { Log } from './observability/logger';

/**
 * SIGTERM/SIGINT: stop taking work, drain running jobs (the queue's close waits up to
 * SHUTDOWN_TIMEOUT_MS), close connections, exit 0. A second signal exits at once.
 */
export function exitGracefullyOnSignals(app: INestApplicationContext, log: Log): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`${signal} received: draining and shutting down`);
    app.close().then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (error: Error) => {
        log.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
