import { ConfigError, loadConfigFromProcess } from './config/app-config';
import { logFor, rootLogger } from './observability/logger';
import { exitGracefullyOnSignals } from './shutdown';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = rootLogger(config.LOG_LEVEL);
  const { createApiApp } = await import('./app.factory');
  const app = await createApiApp(config);
  exitGracefullyOnSignals(app, logFor('Api'));
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info(
    {
      port,
      mode: config.mode,
      llm_provider: config.llmProvider,
      queue: config.REDIS_URL ? 'bullmq' : 'in-process',
    },
    `Agent Village API listening on http://localhost:${port} (docs at /docs)`,
  );
}

main().catch((error: Error) => {
  console.error(`startup failed: ${error.message}`);
  process.exit(1);
});
