import type { INestApplicationContext } from '@nestjs/common';
import type { Log } from './observability/logger';
import { WorkerRegistry } from './workers/worker-registry.service';

/**
 * SIGTERM/SIGINT: drain (the worker registry shows DRAINING, no new goal jobs, the running
 * ones finish within SHUTDOWN_TIMEOUT_MS, the entry leaves the registry), close connections,
 * exit 0. A second signal exits at once. Answers the same stop for a drain asked of this
 * process by the API (a no-op once stopping).
 */
export function exitGracefullyOnSignals(
  app: INestApplicationContext,
  log: Log,
): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string, signal: boolean) => {
    if (stopping) {
      if (signal) process.exit(1);
      return; // e.g. the drain a signal started has just ended
    }
    stopping = true;
    log.info(`${reason}: draining and shutting down`);
    drain(app, reason)
      .then(() => app.close())
      .then(
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
  process.once('SIGTERM', () => stop('SIGTERM received', true));
  process.once('SIGINT', () => stop('SIGINT received', true));
  return (reason) => stop(reason, false);
}

/** Drains this process's jobs before the modules close (the database must outlive them). */
async function drain(app: INestApplicationContext, reason: string): Promise<void> {
  let registry: WorkerRegistry;
  try {
    registry = app.get(WorkerRegistry, { strict: false });
  } catch {
    return; // not built yet: nothing runs
  }
  await registry.drain(reason);
}
