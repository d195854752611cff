import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/**
 * The admin API key every test app starts with (passed as BOOTSTRAP_ADMIN_API_KEY unless a
 * test overrides it). Test-only: never use it anywhere else.
 */
export const TEST_ADMIN_API_KEY = 'ak_7e57ad000000_TestOnlyAdminKeyDoNotUseOutsideTests0000000';
/** The bootstrap admin's sign-in in test apps (BOOTSTRAP_ADMIN_PASSWORD). */
export const TEST_ADMIN_EMAIL = 'admin@agent-village.local';
export const TEST_ADMIN_PASSWORD = 'test-only-admin-password';
/** The bearer token test apps require on /metrics (METRICS_TOKEN). Test-only. */
export const TEST_METRICS_TOKEN = 'test-only-metrics-token-do-not-use-outside-tests';
/** Seals test apps' OAuth keys (OAUTH_ENCRYPTION_KEY). Test-only. */
export const TEST_OAUTH_ENCRYPTION_KEY = '0'.repeat(63) + '1';
/** The Authorization header that scrapes a test app's /metrics. */
export const TEST_METRICS_AUTH = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };
/** Tests run the built product (npm run build) exactly as users do: `node dist/src/main.js`. */
const DIST = ROOT.endsWith('dist') ? ROOT : join(ROOT, 'dist');

export interface AppProcess {
  readonly baseUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  output(): string;
  /** Graceful stop (SIGTERM), waiting for exit. */
  stop(): Promise<number | null>;
  /** kill -9. */
  kill(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  entry?: 'main' | 'worker';
  readyTimeoutMs?: number;
  /** For workers: the log text that says it is ready. */
  readyLog?: string;
  /** Extra node flags, e.g. ['--cpu-prof'] for profiling. */
  nodeArgs?: string[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function tempDir(prefix = 'av-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the API (or a worker) as a child process and waits until it is ready. */
export async function startApp(options: StartOptions = {}): Promise<AppProcess> {
  const entry = options.entry ?? 'main';
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: tempDir(),
    BOOTSTRAP_ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    OAUTH_ENCRYPTION_KEY: TEST_OAUTH_ENCRYPTION_KEY,
    SSO_ENCRYPTION_KEY: TEST_OAUTH_ENCRYPTION_KEY.replace(/1$/, '2'),
    WEBHOOK_ENCRYPTION_KEY: TEST_OAUTH_ENCRYPTION_KEY.replace(/1$/, '3'),
  };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  seedEmbeddedDatabase(env);
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(DIST, 'src', `${entry}.js`)],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const app: AppProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120000);
  const readyLog = options.readyLog ?? (entry === 'worker' ? 'worker started' : undefined);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${entry} exited with ${child.exitCode} before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      await app.kill();
      throw new Error(`${entry} was not ready in time:\n${output}`);
    }
    if (readyLog ? output.includes(readyLog) : await isUp(app.baseUrl)) return app;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Copies the migrated PGlite template (made once per test run) into a fresh DATA_DIR. */
function seedEmbeddedDatabase(env: Record<string, string>): void {
  const template = process.env.AV_PGLITE_TEMPLATE;
  if (!template || env.DATABASE_URL || !env.DATA_DIR) return;
  const target = join(env.DATA_DIR, 'pglite');
  if (!existsSync(target) && existsSync(join(template, 'pglite')))
    cpSync(join(template, 'pglite'), target, { recursive: true });
}

async function isUp(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}
