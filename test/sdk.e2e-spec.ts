import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ApiClient,
  AppProcess,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
  tempDir,
} from '#testing';

import { scriptHeldDelete } from './support/held-delete-script';

const ROOT = resolve(__dirname, '..');

/**
 * The SDK as its users get it: `npm pack` of libs/sdk installed into a folder of its own
 * (its two dependencies taken from ours, no network), and programs that import it, as ES
 * module and as CommonJS, driving the running product: an API key, a goal followed over the
 * WebSocket, tasks page by page, an approval, a typed 404, a 429 retried after its
 * Retry-After, and a second identity through OAuth client credentials.
 */
describe('the packed SDK against the running product', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;
  let consumer: string;
  let oauthClient: { client_id: string; client_secret: string };

  beforeAll(async () => {
    await llm.start();
    scriptHeldDelete(llm, '[scenario:approve]');
    app = await startApp({
      env: {
        ...llm.singleAttemptEnv(),
        RATE_LIMIT_RULES: JSON.stringify([
          {
            name: 'tools-per-ip',
            path: '/api/v1/tools',
            methods: ['GET'],
            strategy: 'FIXED_WINDOW',
            scope: 'IP',
            limit: 1,
            window_s: 2,
          },
        ]),
      },
    });
    const admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    const registered = await admin.post('/api/v1/oauth/clients', {
      name: 'SDK consumer',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scopes: ['goals:read'],
    });
    expect(registered.status).toBe(201);
    oauthClient = registered.body;
    consumer = installPackedSdk();
  });

  afterAll(async () => {
    await app?.stop();
    await llm.stop();
  });

  // asynchronous: the scripted model answers from this process while the program runs
  async function run(program: string): Promise<Record<string, unknown>> {
    const output = await runOrShowLog(() =>
      promisify(execFile)(process.execPath, [join(consumer, program)], {
        cwd: consumer,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          PATH: process.env.PATH,
          AV_URL: app.baseUrl,
          AV_API_KEY: TEST_ADMIN_API_KEY,
          AV_CLIENT_ID: oauthClient.client_id,
          AV_CLIENT_SECRET: oauthClient.client_secret,
          AV_GOAL_TEXT: 'Research cats, dogs and birds [scenario:plain]',
          AV_APPROVAL_GOAL_TEXT: 'Tidy the workspace [scenario:approve]',
        },
      }),
    );
    return JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
  }

  /** A program that fails or hangs shows the product's log with it. */
  async function runOrShowLog(program: () => Promise<{ stdout: string; stderr: string }>) {
    try {
      return (await program()).stdout;
    } catch (error) {
      console.error(
        `${(error as { stderr?: string }).stderr ?? ''}\nproduct log:\n${app.output().slice(-20_000)}`,
      );
      throw error;
    }
  }

  it('works from an ES module: goals, events, pages, approvals, typed refusals, OAuth', async () => {
    const seen = await run('consumer.mjs');
    expect(seen.goal).toBe('completed');
    const events = seen.events as string[];
    expect(events[0]).toBe('goal.created');
    expect(events.at(-1)).toBe('goal.completed');
    expect(events).toEqual(expect.arrayContaining(['task.started', 'task.completed']));
    expect(seen.taskKeys).toEqual(['first', 'second', 'third']);
    expect(seen).toMatchObject({
      approvalAction: 'delete_file',
      approval: 'approved',
      approvedGoal: 'completed',
      waitSawEvents: true,
      notFound: { status: 404, type: expect.stringMatching(/goal-not-found$/) },
      notFoundThrown: 'goal-not-found',
      firstCall: 200,
      limited: { status: 429, retryAfterSeconds: expect.any(Number) },
      retried: { status: 200 },
      oauthListed: true,
      oauthWrite: 403,
    });
    expect((seen.limited as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect((seen.retried as { waitedMs: number }).waitedMs).toBeGreaterThan(100);
  });

  it('works from CommonJS', async () => {
    expect(await run('consumer.cjs')).toEqual({ health: 'ok', notFound: 404, verify: 'function' });
  });
});

/** `npm pack` of libs/sdk, unpacked as node_modules/@agent-village/sdk of a new folder. */
function installPackedSdk(): string {
  const dir = tempDir('av-sdk-consumer-');
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
    cwd: join(ROOT, 'libs/sdk'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
  const installed = join(dir, 'node_modules/@agent-village/sdk');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
  for (const dependency of ['openapi-fetch', 'ws'])
    symlinkSync(join(ROOT, 'node_modules', dependency), join(dir, 'node_modules', dependency));
  for (const program of ['consumer.mjs', 'consumer.cjs'])
    copyFileSync(join(ROOT, 'test/fixtures/sdk-consumer', program), join(dir, program));
  return dir;
}
