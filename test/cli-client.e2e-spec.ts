import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  AppProcess,
  ChatRequestBody,
  conversationText,
  ScriptedLlmServer,
  startApp,
  TEST_ADMIN_API_KEY,
} from '#testing';

const CLI = join(resolve(__dirname, '..'), 'dist/src/cli.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run cli -- goals ...` against a running product, as a user types it: live progress
 * while a goal runs, exit code 0 when it completes and 1 with the reason when it fails,
 * JSON for scripts.
 */
describe('the command-line client', () => {
  const llm = new ScriptedLlmServer();
  let app: AppProcess;

  beforeAll(async () => {
    await llm.start();
    llm.when('[agent-village:intent_analyzer]', {
      json: { objective: 'do it', capabilities: ['files'], complexity: 'SIMPLE', risk: 'LOW' },
    });
    llm.when('[agent-village:planner]', {
      json: {
        tasks: ['gather', 'write'].map((key) => ({
          key,
          title: `Step ${key}`,
          description: `Do the ${key} step`,
          depends_on: [],
          capabilities: [],
        })),
      },
    });
    llm.when('[agent-village:critic]', (request: ChatRequestBody) =>
      conversationText(request).includes('[scenario:fail]')
        ? { json: { passed: false, score: 0, feedback: 'the facts are wrong', failed_tasks: [] } }
        : { json: { passed: true, score: 1, feedback: 'ok', failed_tasks: [] } },
    );
    llm.otherwise({ content: 'done' });
    app = await startApp({
      env: {
        ...llm.singleAttemptEnv(),
        MAX_REPLANS: '0',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await llm.stop();
  });

  /** Asynchronous: the scripted model answers from this process while the client runs. */
  function cli(...args: string[]): Promise<CliRun> {
    return new Promise((done) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args],
        {
          timeout: 90_000,
          env: {
            PATH: process.env.PATH,
            AGENT_VILLAGE_URL: app.baseUrl,
            AGENT_VILLAGE_API_KEY: TEST_ADMIN_API_KEY,
          },
        },
        (_error, stdout, stderr) => done({ code: child.exitCode, stdout, stderr }),
      );
    });
  }

  it('submits a goal, shows its tasks progressing and exits 0 when it completes', async () => {
    const run = await cli('goals', 'submit', 'Research cats and dogs', '--wait');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stderr).toContain('planned 2 task(s)');
    expect(run.stderr).toMatch(/task gather started[\s\S]*task gather completed/);
    expect(run.stderr).toContain('task write completed');
    expect(run.stderr).toContain('goal completed');
    expect(run.stdout).toMatch(/submitted\nID\s+STATUS\s+TITLE\n\S+\s+completed\s/);
  });

  it('exits 1 naming the reason when the goal fails', async () => {
    const run = await cli('goals', 'submit', 'Research the moon [scenario:fail]', '--wait');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('goal failed');
    expect(run.stderr).toMatch(/goal \S+ failed: .*the facts are wrong/);
  });

  it('answers JSON for scripts: goals list and show', async () => {
    const list = await cli('goals', 'list', '--json');
    expect(list.code).toBe(0);
    const goals = JSON.parse(list.stdout) as Array<{ id: string; status: string }>;
    expect(goals.map((g) => g.status).sort()).toEqual(['completed', 'failed']);
    const show = await cli('goals', 'show', goals[0].id, '--json');
    expect(JSON.parse(show.stdout)).toMatchObject({
      id: goals[0].id,
      tasks: [
        expect.objectContaining({ key: expect.any(String) }),
        expect.objectContaining({ key: expect.any(String) }),
      ],
    });
  });

  it('says what went wrong: an unknown goal (404) exits 1, a bad command line 2', async () => {
    const missing = await cli('goals', 'show', '0190f5d4-5b7e-7c4a-9f2b-1c2d3e4f5a6b');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^404 Goal not found/);
    const bad = await cli('goals', 'submit');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('goals submit needs the goal text');
    // a refusal names the field and what is wrong with it
    const notUuid = await cli('goals', 'show', 'not-a-uuid');
    expect(notUuid.code).toBe(1);
    expect(notUuid.stderr).toMatch(/^400 Validation failed: id must be a UUID/);
    // a number flag is checked before anything is sent, not dropped or sent as NaN
    for (const [flag, value] of [
      ['--limit', 'abc'],
      ['--limit', '0'],
      ['--priority', '11'],
    ]) {
      const wrong = await cli('goals', flag === '--limit' ? 'list' : 'submit', 'x', flag, value);
      expect({ flag, value, code: wrong.code }).toEqual({ flag, value, code: 2 });
      expect(wrong.stderr).toContain(`${flag} must be a whole number`);
    }
    const unknown = await cli('bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown command bogus/);
  });

  it('takes the connection options before the command as well as after it', async () => {
    const first = await cli('--url', app.baseUrl, '--json', 'agents', 'list', '--limit', '1');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toHaveLength(1);
  });
});
