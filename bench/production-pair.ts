import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  uniqueQueuePrefix,
} from '#testing';

/** The production mode: an API process that only serves HTTP and worker processes. */
export interface ProductionProcesses {
  api: AppProcess;
  workers: AppProcess[];
  client: ApiClient;
  stop(): Promise<void>;
}

export interface ProductionPair extends ProductionProcesses {
  worker: AppProcess;
}

/**
 * A worker process (`npm run worker`; it says it has started at log level info).
 * BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=prof") profiles it.
 */
export function startWorker(env: Record<string, string>): Promise<AppProcess> {
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean);
  return startApp({ entry: 'worker', env: { ...env, LOG_LEVEL: 'info' }, nodeArgs });
}

/**
 * The production mode as the benches measure it: an API process that only serves HTTP and
 * `workers` worker processes, on the given PostgreSQL database and a Redis queue of their
 * own.
 */
export async function startProduction(
  env: Record<string, string>,
  databaseUrl: string,
  workers: number,
): Promise<ProductionProcesses> {
  const prodEnv = {
    ...env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(),
  };
  // BENCH_API_NODE_ARGS profiles the API process the same way
  const apiNodeArgs = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean);
  const api = await startApp({ env: { ...prodEnv, PROCESS_JOBS: 'false' }, nodeArgs: apiNodeArgs });
  // the API has run the migrations by the time it is up
  const started = await Promise.all(Array.from({ length: workers }, () => startWorker(prodEnv)));
  return {
    api,
    workers: started,
    client: new ApiClient(api.baseUrl).withApiKey(TEST_ADMIN_API_KEY),
    async stop() {
      await Promise.all(started.map((w) => w.stop()));
      await api.stop();
    },
  };
}

/** The production mode with one worker process. */
export async function startProductionPair(
  env: Record<string, string>,
  databaseUrl: string,
): Promise<ProductionPair> {
  const processes = await startProduction(env, databaseUrl, 1);
  return { ...processes, worker: processes.workers[0] };
}
