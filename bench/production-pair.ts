import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
} from '#testing';

export interface ProductionPair {
  api: AppProcess;
  worker: AppProcess;
  client: ApiClient;
  stop(): Promise<void>;
}

/**
 * The production mode as the benches measure it: an API process that only serves HTTP and
 * one worker process, on the given PostgreSQL database and a Redis queue of their own.
 */
export async function startProductionPair(
  env: Record<string, string>,
  databaseUrl: string,
): Promise<ProductionPair> {
  const prodEnv = {
    ...env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
  };
  const api = await startApp({ env: { ...prodEnv, PROCESS_JOBS: 'false' } });
  // BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=prof") profiles the worker
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean);
  const worker = await startApp({
    entry: 'worker',
    env: { ...prodEnv, LOG_LEVEL: 'info' },
    nodeArgs,
  });
  return {
    api,
    worker,
    client: new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY),
    async stop() {
      await worker.stop();
      await api.stop();
    },
  };
}
