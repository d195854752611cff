// Runs the agent spawner and profile store (from the build) against the PostgreSQL database
// given as argv[2], with a step run again and goals racing, and prints what it saw as JSON;
// test/step-idempotence.e2e-spec.ts asserts on it. Nest 12 is ESM, which Jest's module
// sandbox cannot load, hence the separate process.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { uuidv7 } from '#common';
import { AgentProfileStore } from '../../dist/src/agents/agent-profile.store.js';
import { AgentSpawner } from '../../dist/src/agents/agent-spawner.service.js';
import { KIND_SPECS } from '../../dist/src/agents/agent-kinds.js';
import { AgentProfileRepository } from '../../dist/src/agents/agent-profile.repository.js';
import { DEFAULT_TENANT_ID } from '../../dist/src/common/request-context.js';
import { createDataSource } from '../../dist/src/database/data-source.factory.js';
import { runMigrations } from '../../dist/src/database/migration-runner.js';
import { inTransaction } from '../../dist/src/database/transaction.js';
import { QuotaService } from '../../dist/src/quotas/quota.service.js';
import { TenantUsageRepository } from '../../dist/src/quotas/tenant-usage.repository.js';
import { TenantDirectory } from '../../dist/src/tenancy/tenant-directory.js';
import { TenantRepository } from '../../dist/src/tenancy/tenant.repository.js';
import { TenantsService } from '../../dist/src/tenancy/tenants.service.js';
import { EventBus } from '../../dist/src/events/event-bus.js';
import { HookManager } from '../../dist/src/hooks/hook-manager.js';
import { PluginHealth } from '../../dist/src/plugin-contract/plugin-health.js';
import { GoalEventLog } from '../../dist/src/events/goal-event-log.service.js';
import { GoalEventRepository } from '../../dist/src/events/goal-event.repository.js';

const url = process.argv[2];
const dataSource = createDataSource({
  DATABASE_URL: url,
  DB_POOL_SIZE: 50,
  DATA_DIR: '',
  PGLITE_SHARED_BUFFERS_MB: 16,
});
const config = {
  AGENT_SPAWN_THRESHOLD: 0.75,
  AGENT_SPAWN_LIMIT_PER_GOAL: 50,
  AGENT_MAX_RUNNING: 20,
};
// the gate's own limits are tested with it; here every spawn is allowed
const gate = { checkAgentSpawn: async () => undefined };

const seed = (name) => ({
  kind: 'tool_agent',
  name,
  capabilities: ['data_analysis'],
  specializations: [],
  systemPrompt: KIND_SPECS.tool_agent.systemPrompt,
});
const specialist = (goalId) => ({
  tenantId: DEFAULT_TENANT_ID,
  goalId,
  seed: seed('data-analyst'),
  ephemeral: false,
  bestScore: 0.2,
  reason: 'no agent fits',
});

async function newGoal() {
  const id = uuidv7();
  await dataSource.query(
    `INSERT INTO goals (id, tenant_id, title, goal, status, state) VALUES ($1, $2, 'g', 'g', 'running', 'AGENT_ASSIGNMENT')`,
    [id, DEFAULT_TENANT_ID],
  );
  return id;
}
const count = async (sql, params) => Number((await dataSource.query(sql, params))[0].n);
const liveNamed = (name) =>
  count(
    `SELECT count(*) AS n FROM agent_profiles WHERE tenant_id = $1 AND name = $2 AND status <> 'retired'`,
    [DEFAULT_TENANT_ID, name],
  );
const spawnedEvents = (goalId) =>
  count(`SELECT count(*) AS n FROM goal_events WHERE goal_id = $1 AND type = 'agent.spawned'`, [
    goalId,
  ]);

async function main() {
  await dataSource.initialize();
  await runMigrations(dataSource);
  const profiles = new AgentProfileStore(dataSource, new AgentProfileRepository());
  const spawner = new AgentSpawner(
    config,
    profiles,
    new GoalEventLog(dataSource, new EventBus(), new GoalEventRepository()),
    gate,
    new QuotaService(
      dataSource,
      new TenantDirectory(new TenantsService(new TenantRepository(dataSource), config), config),
      new TenantUsageRepository(dataSource),
    ),
    new HookManager(config, new PluginHealth()),
  );
  const seen = {};

  // the same insert run twice (a step run again after its first attempt committed)
  {
    const goalId = await newGoal();
    const profile = { ...seed('rerun-analyst'), spawnedByGoalId: goalId };
    const first = await inTransaction(dataSource, (uow) =>
      profiles.insertOrFind(uow.manager, DEFAULT_TENANT_ID, profile),
    );
    const again = await inTransaction(dataSource, (uow) =>
      profiles.insertOrFind(uow.manager, DEFAULT_TENANT_ID, profile),
    );
    seen.rerun = {
      firstCreated: first.created,
      againCreated: again.created,
      sameProfile: again.row.id === first.row.id,
      live: await liveNamed('rerun-analyst'),
    };
    try {
      await inTransaction(dataSource, (uow) =>
        profiles.insertMany(uow.manager, DEFAULT_TENANT_ID, [profile]),
      );
    } catch (error) {
      seen.rerun.operatorInsertStatus = error.status;
    }
  }

  // two goals spawn the same specialist: B's insert waits on A's uncommitted row
  {
    const [goalA, goalB] = [await newGoal(), await newGoal()];
    let release;
    const held = new Promise((r) => (release = r));
    let spawnedA;
    const aSpawned = new Promise((r) => (spawnedA = r));
    const a = inTransaction(dataSource, async (uow) => {
      const spawned = await spawner.spawn(uow, specialist(goalA));
      spawnedA();
      await held;
      return spawned;
    });
    await aSpawned;
    const b = inTransaction(dataSource, (uow) => spawner.spawn(uow, specialist(goalB)));
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await observer.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      seen.bWaited = rows[0].n > 0;
      if (seen.bWaited || Date.now() > deadline) break;
      await sleep(20);
    }
    await observer.end();
    release();
    const [spawnA, spawnB] = await Promise.allSettled([a, b]);
    seen.race = {
      a:
        spawnA.status === 'fulfilled'
          ? { created: spawnA.value.created }
          : { error: String(spawnA.reason) },
      b:
        spawnB.status === 'fulfilled'
          ? { created: spawnB.value.created }
          : { error: String(spawnB.reason) },
      sameProfile:
        spawnA.status === 'fulfilled' &&
        spawnB.status === 'fulfilled' &&
        spawnA.value.agent.id === spawnB.value.agent.id,
      live: await liveNamed('data-analyst'),
      spawnedEventsA: await spawnedEvents(goalA),
      spawnedEventsB: await spawnedEvents(goalB),
    };
  }

  // many goals update the same agents, each in its own order, across two statements
  {
    const created = [];
    for (let i = 0; i < 6; i++)
      created.push(
        await inTransaction(dataSource, (uow) =>
          profiles.insert(uow.manager, DEFAULT_TENANT_ID, seed(`shared-${i}`)),
        ),
      );
    const ids = created.map((p) => p.id);
    const goals = 40;
    const results = await Promise.allSettled(
      Array.from({ length: goals }, (_, g) =>
        inTransaction(dataSource, async (uow) => {
          const order = g % 2 ? [...ids].reverse() : [...ids.slice(3), ...ids.slice(0, 3)];
          await profiles.markReused(uow.manager, DEFAULT_TENANT_ID, order);
          await uow.manager.query(`SELECT pg_sleep(0.01)`);
          await profiles.markReused(uow.manager, DEFAULT_TENANT_ID, order.slice(0, 2));
        }),
      ),
    );
    seen.shared = {
      failed: results.filter((r) => r.status === 'rejected').map((r) => String(r.reason)),
      reuses: await count(
        `SELECT sum(reuse_count) AS n FROM agent_profiles WHERE id = ANY($1::uuid[])`,
        [ids],
      ),
      expected: goals * 6 + goals * 2,
    };
  }
  await dataSource.destroy();
  process.stdout.write(JSON.stringify(seen));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
