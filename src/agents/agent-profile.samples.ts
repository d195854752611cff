import { sql } from 'kysely';
import { db } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';
import { statements } from './agent-profile.statements';

const tenant = '00000000-0000-0000-0000-000000000001';
const agent = '00000000-0000-0000-0000-000000000002';
const goal = '00000000-0000-0000-0000-000000000003';
const seed = {
  id: agent,
  kind: 'tool_agent' as const,
  name: 'generalist',
  capabilities: ['code'],
  specializations: [],
  system_prompt: 'You use tools.',
};
const fold = {
  id: agent,
  tasks: 1,
  successes: 1,
  tokens: 120,
  duration_ms: 900,
  types: { code: { tasks: 1, successes: 1 } },
  errors: {},
  last_active: new Date('2026-01-01T00:00:00.000Z'),
};

/** The statements of `AgentProfileRepository`, for `queries/agent-profile.repository.sql`. */
export const agentProfileStatements: StatementCatalog = {
  file: 'src/agents/queries/agent-profile.repository.sql',
  samples: () => [
    { name: 'builtinCount', statement: statements.builtinCount(tenant) },
    { name: 'seedBuiltin', statement: statements.seedBuiltin(tenant, seed) },
    {
      name: 'count',
      statement: statements.count(tenant, { kind: 'tool_agent', limit: 50, offset: 0 }),
    },
    {
      name: 'page',
      statement: statements.page(tenant, { status: 'idle', limit: 50, offset: 0 }),
    },
    { name: 'byId', statement: statements.byId(tenant, agent) },
    { name: 'liveByName', statement: statements.liveByName(tenant, 'generalist') },
    { name: 'liveNamesLike', statement: statements.liveNamesLike(tenant, 'coder') },
    { name: 'liveOfKinds', statement: statements.liveOfKinds(tenant, ['tool_agent']) },
    { name: 'nameTakenByOther', statement: statements.nameTakenByOther(tenant, 'coder', agent) },
    {
      name: 'insertFree',
      statement: statements.insertFree(tenant, [
        {
          ...seed,
          model: null,
          ephemeral: false,
          builtin: false,
          spawned_by_goal_id: goal,
          status: 'idle',
          running: 0,
        },
      ]),
    },
    {
      name: 'edit',
      statement: statements.edit(tenant, agent, {
        name: 'coder',
        capabilities: ['code'],
        specializations: ['typescript'],
        system_prompt: 'You write code.',
        model: null,
      }),
    },
    { name: 'retire', statement: statements.retire(tenant, agent) },
    { name: 'startWork', statement: statements.startWork(tenant, agent) },
    {
      name: 'startWorkForStarts',
      statement: db
        .with('change', (qc) =>
          qc.selectFrom('tasks').select(sql<string | null>`agent_id::uuid`.as('agent_id')),
        )
        .with('agent', statements.startWorkForStarts(tenant))
        .selectFrom('agent')
        .selectAll(),
    },
    { name: 'finishWork', statement: statements.finishWork(tenant, agent) },
    { name: 'foldOutcomes', statement: statements.foldOutcomes(tenant, [fold], false) },
    { name: 'foldOutcomes (retire)', statement: statements.foldOutcomes(tenant, [fold], true) },
    {
      name: 'foldFromRows',
      statement: db
        .with('input', (qc) =>
          qc
            .selectFrom('tasks')
            .select([
              'id',
              sql<string | null>`agent_id::uuid`.as('agent_id'),
              sql<string>`'code'`.as('task_type'),
              sql<number>`900`.as('duration_ms'),
              sql<Date>`now()`.as('at'),
            ]),
        )
        .with('change', (qc) =>
          qc.selectFrom('tasks').select(['id as task_id', sql<number>`120`.as('tokens')]),
        )
        .with('folds', statements.foldsOfCompletions())
        .with('profile', statements.foldFromRows(tenant))
        .selectFrom('profile')
        .selectAll(),
    },
    { name: 'markReused', statement: statements.markReused(tenant, [agent]) },
    { name: 'lockSpawns', statement: statements.lockSpawns(tenant) },
    { name: 'countRunning', statement: statements.countRunning(tenant) },
    { name: 'countSpawnedForGoal', statement: statements.countSpawnedForGoal(tenant, goal) },
  ],
};
