import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { ConfigError, loadConfigFromProcess } from './config/app-config';
import { logFor, rootLogger } from './observability/logger';
import { startMetricsServer } from './metrics/metrics-server';
import { metricsToken } from './metrics/metrics-token';
import { exitGracefullyOnSignals } from './shutdown';
import { WorkerRegistry } from './workers/worker-registry.service';
import { NestPinoLogger } from './observability/nest-logger';

/** `npm run worker`: processes goal jobs, serves no HTTP, drains on SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = { ...loadConfigFromProcess(), PROCESS_JOBS: true };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = rootLogger(config.LOG_LEVEL);
  if (!config.REDIS_URL)
    log.warn(
      'REDIS_URL is not set: this worker only runs goals it finds itself (in-process queue)',
    );
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), {
    logger: new NestPinoLogger(),
  });
  const stop = exitGracefullyOnSignals(app, logFor('Worker'));
  await app.init();
  // Drained at the API's request: leave like on SIGTERM (the drain is already done).
  app.get(WorkerRegistry).onDrained(() => stop('drained on request'));
  if (config.WORKER_METRICS_PORT > 0 && config.METRICS_ENABLED) {
    // Closed with the process (exitGracefullyOnSignals exits once the app has drained).
    (
      await startMetricsServer(config.WORKER_METRICS_PORT, config.HOST, metricsToken(config))
    ).unref();
    log.info({ port: config.WORKER_METRICS_PORT }, 'worker metrics at /metrics');
  }
  log.info(
    { mode: config.mode, queue: config.REDIS_URL ? 'bullmq' : 'in-process' },
    'Agent Village worker started',
  );
}

main().catch((error: Error) => {
  console.error(`worker startup failed: ${error.message}`);
  process.exit(1);
});
