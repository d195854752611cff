import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPostgresDatabase, TestDatabase } from '#testing';

/**
 * A step run again after a crash, and goals racing on the same agents, on real PostgreSQL
 * (the embedded database has one connection and cannot race). The scenario runs the built
 * spawner and profile store in a separate process (see the scenario file).
 */
describe('steps run again find what an earlier attempt committed (PostgreSQL)', () => {
  let db: TestDatabase;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the scenario's JSON report
  let seen: any;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(__dirname, 'support/step-idempotence.scenario.mjs'),
      db.url,
    ]);
    seen = JSON.parse(stdout);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('inserting a profile whose live name exists answers that profile, not a unique-key error', () => {
    expect(seen.rerun).toEqual({
      firstCreated: true,
      againCreated: false,
      sameProfile: true,
      live: 1,
      // an operator creating an agent under a live name still gets a 409
      operatorInsertStatus: 409,
    });
  });

  it('two goals spawning the same specialist at the same moment share one profile', () => {
    expect(seen.bWaited).toBe(true);
    expect(seen.race).toEqual({
      a: { created: true },
      b: { created: false },
      sameProfile: true,
      live: 1,
      spawnedEventsA: 1,
      spawnedEventsB: 0,
    });
  });

  it('goals updating the same agents in different orders do not deadlock', () => {
    expect(seen.shared.failed).toEqual([]);
    expect(seen.shared.reuses).toBe(seen.shared.expected);
  });
});
