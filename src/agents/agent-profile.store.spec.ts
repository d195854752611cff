import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import { loadConfig } from '../config/app-config';
import { createDataSource } from '../database/data-source.factory';
import { openMigratedPglite } from '../testing/migrated-pglite-image';
import { TenantRepository } from '../tenancy/tenant.repository';
import { DEFAULT_PROFILES } from './agent-kinds';
import { AgentProfileRepository } from './agent-profile.repository';
import { AgentProfileStore, statsOf } from './agent-profile.store';
import { applyOutcome, type Outcome } from './selection';

/** Agent profiles on an in-memory PGlite with every migration applied. */
describe('AgentProfileStore (in-memory PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'av-profiles-'));
  let dataSource: DataSource;
  let store: AgentProfileStore;
  const tenant = uuidv7();

  beforeAll(async () => {
    const config = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: dataDir });
    dataSource = createDataSource(config, { image: openMigratedPglite(config) });
    await dataSource.initialize();
    await new TenantRepository(dataSource).insert({ id: tenant, slug: `t-${tenant}`, name: 'T' });
    store = new AgentProfileStore(dataSource, new AgentProfileRepository());
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const specialist = (name: string) => ({
    kind: 'tool_agent' as const,
    name,
    capabilities: ['code'],
    specializations: ['typescript'],
    systemPrompt: 'You write code.',
  });

  it('gives a tenant its default agents once, and lists them by kind', async () => {
    await store.ensureDefaults(tenant);
    await store.ensureDefaults(tenant);
    const all = await store.list(tenant, { limit: 50, offset: 0 });
    expect(all.total).toBe(DEFAULT_PROFILES.length);
    const tools = await store.list(tenant, { kind: 'tool_agent', limit: 50, offset: 0 });
    expect(tools.items.map((p) => p.name)).toEqual(['generalist']);
    expect(tools.total).toBe(1);
  });

  it('refuses a second live agent under a name (409), and joins it on find-or-create', async () => {
    const first = await store.insert(dataSource.manager, tenant, specialist('coder'));
    await expect(
      store.insert(dataSource.manager, tenant, specialist('coder')),
    ).rejects.toMatchObject({ status: 409 });
    const placed = await store.insertOrFind(dataSource.manager, tenant, specialist('coder'));
    expect(placed).toMatchObject({ created: false, row: { id: first.id } });
    expect(await store.liveNamesLike(dataSource.manager, tenant, 'coder')).toEqual(['coder']);
  });

  it('renames an agent with a new version, but not onto a live name', async () => {
    const agent = await store.insert(dataSource.manager, tenant, specialist('writer'));
    const renamed = await store.update(tenant, agent.id, { name: 'editor' });
    expect(renamed).toMatchObject({ name: 'editor', version: agent.version + 1 });
    // a change that changes nothing keeps the version
    for (const same of [{}, { name: 'editor' }, { capabilities: renamed.capabilities }])
      expect((await store.update(tenant, agent.id, same)).version).toBe(renamed.version);
    await expect(store.update(tenant, agent.id, { name: 'coder' })).rejects.toMatchObject({
      status: 409,
    });
  });

  it('counts running attempts: busy while one runs, idle once it ends', async () => {
    const agent = await store.insert(dataSource.manager, tenant, specialist('runner'));
    expect(await store.startWork(tenant, agent.id)).toMatchObject({ running: 1, status: 'busy' });
    expect(await store.countRunning(dataSource.manager, tenant)).toBe(1);
    await store.finishWork(tenant, agent.id);
    expect(await store.get(tenant, agent.id)).toMatchObject({ running: 0, status: 'idle' });
  });

  it('folds outcomes into the statistics as the learning step does, one by one', async () => {
    const goal = uuidv7();
    const [worker] = await store.insertMany(dataSource.manager, tenant, [
      { ...specialist('worker-1'), ephemeral: true, spawnedByGoalId: goal },
    ]);
    const at = new Date('2026-01-01T00:00:00.000Z');
    const outcomes: Outcome[] = [
      { taskType: 'code', success: true, tokens: 100, durationMs: 1000, at },
      { taskType: 'code', success: false, tokens: 300, durationMs: 3000, errorKind: 'tool', at },
      { taskType: 'review', success: true, tokens: 200, durationMs: 500, at },
    ];
    await store.retireWithOutcomes(dataSource.manager, tenant, [{ id: worker.id, outcomes }]);
    const row = await store.get(tenant, worker.id);
    const expected = outcomes.reduce(applyOutcome, statsOf(worker));
    const stats = statsOf(row);
    expect(stats).toMatchObject({
      tasks: expected.tasks,
      successes: expected.successes,
      failures: expected.failures,
      taskTypeScores: expected.taskTypeScores,
      errorKinds: expected.errorKinds,
    });
    expect(stats.avgTokens).toBeCloseTo(expected.avgTokens, 3);
    expect(stats.avgDurationMs).toBeCloseTo(expected.avgDurationMs, 3);
    expect(row).toMatchObject({ status: 'retired', running: 0 });
    expect(await store.countSpawnedForGoal(dataSource.manager, tenant, goal)).toBe(1);
  });

  it('counts reuses, and retires an agent only once', async () => {
    const agent = await store.insert(dataSource.manager, tenant, specialist('reused'));
    await store.markReused(dataSource.manager, tenant, [agent.id]);
    expect((await store.get(tenant, agent.id)).reuse_count).toBe(1);
    expect(await store.retire(dataSource.manager, tenant, agent.id)).toBe(true);
    expect(await store.retire(dataSource.manager, tenant, agent.id)).toBe(false);
    expect(await store.findByName(tenant, 'reused')).toBeUndefined();
  });
});
