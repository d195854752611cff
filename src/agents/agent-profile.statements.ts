import { sql, type Expression } from 'kysely';
import { cte, type RecordsetRow } from '../database/recordset';
import { db } from '../database/query-builder';
import { FOLD_COLUMNS, foldSet, type OutcomeFold } from './agent-profile-fold';
import type {
  AgentProfileRow,
  ProfileEdit,
  ProfileInsert,
  ProfilePageFilter,
} from './agent-profile.row';

/** The columns of a finished task's `input` row that the learning step reads. */
export const OUTCOME_COLUMNS = {
  agent_id: 'uuid',
  task_type: 'text',
  duration_ms: 'real',
  at: 'timestamptz',
} as const;

type CompletionOutcome = RecordsetRow<typeof OUTCOME_COLUMNS> & { id: string | null };

/** A row of the `folds` CTE: one agent's outcomes summed (see `OutcomeFold`). */
type FoldRow = Omit<OutcomeFold, 'id' | 'types' | 'errors'> & {
  id: string | null;
  types: unknown;
  errors: unknown;
};

// literals, not parameters: a generic plan then still proves the partial indexes' predicate
const RETIRED = sql.lit('retired');

/** `p.status` after one more attempt starts: busy, unless the agent is retired. */
const BUSY_UNLESS_RETIRED = sql<string>`CASE WHEN p.status = 'retired' THEN p.status ELSE 'busy' END`;

const live = (tenantId: string) =>
  db
    .selectFrom('agent_profiles')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '<>', RETIRED)
    .$castTo<AgentProfileRow>();

const filtered = (tenantId: string, filter: ProfilePageFilter) =>
  db
    .selectFrom('agent_profiles')
    .where('tenant_id', '=', tenantId)
    .$if(Boolean(filter.kind), (q) => q.where('kind', '=', filter.kind!))
    .$if(Boolean(filter.status), (q) => q.where('status', '=', filter.status!));

/**
 * The tenant's profiles whose ids `ids` lists, locked in id order, as a FROM item for a
 * statement updating several profiles. Profiles are shared by concurrent goals: every such
 * statement takes their locks in the same order, so none deadlocks another.
 */
const lockedInIdOrder = (tenantId: string, ids: Expression<unknown>) =>
  db
    .selectFrom('agent_profiles')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', sql<string>`${ids}`)
    .orderBy('id')
    .forUpdate()
    .as('l');

/**
 * Every statement on `agent_profiles`, built for `AgentProfileRepository` (which runs them)
 * and its rendered catalog; each takes the tenant's id.
 */
export const statements = {
  builtinCount: (tenantId: string) =>
    db
      .selectFrom('agent_profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.ref('builtin')),
  /** A default profile, unless the tenant already has a built-in one of its kind. */
  seedBuiltin: (
    tenantId: string,
    p: Pick<ProfileInsert, 'id' | 'kind' | 'name' | 'capabilities' | 'specializations'> & {
      system_prompt: string;
    },
  ) =>
    db
      .insertInto('agent_profiles')
      .columns([
        'id',
        'tenant_id',
        'kind',
        'name',
        'capabilities',
        'specializations',
        'system_prompt',
        'builtin',
      ])
      .expression(
        db
          .selectNoFrom((eb) => [
            eb.val(p.id).as('id'),
            eb.val(tenantId).as('tenant_id'),
            eb.val(p.kind).as('kind'),
            eb.val(p.name).as('name'),
            eb.val(p.capabilities).as('capabilities'),
            eb.val(p.specializations).as('specializations'),
            eb.val(p.system_prompt).as('system_prompt'),
            sql.lit(true).as('builtin'),
          ])
          .where((eb) =>
            eb.not(
              eb.exists(
                db
                  .selectFrom('agent_profiles')
                  .select(sql.lit(1).as('one'))
                  .where('tenant_id', '=', tenantId)
                  .where((w) => w.ref('builtin'))
                  .where('kind', '=', p.kind),
              ),
            ),
          ),
      )
      .onConflict((oc) => oc.doNothing()),
  count: (tenantId: string, filter: ProfilePageFilter) =>
    filtered(tenantId, filter).select((eb) => eb.fn.countAll<string>().as('n')),
  page: (tenantId: string, filter: ProfilePageFilter) =>
    filtered(tenantId, filter)
      .selectAll()
      .orderBy('created_at')
      .orderBy('name')
      .limit(filter.limit)
      .offset(filter.offset)
      .$castTo<AgentProfileRow>(),
  byId: (tenantId: string, id: string) =>
    db
      .selectFrom('agent_profiles')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .$castTo<AgentProfileRow>(),
  liveByName: (tenantId: string, name: string) => live(tenantId).where('name', '=', name),
  /** Live names equal to `base` or starting with `base-` (to pick a free one). */
  liveNamesLike: (tenantId: string, base: string) =>
    db
      .selectFrom('agent_profiles')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('name', '=', base), eb('name', 'like', `${base}-%`)]))
      .where('status', '<>', RETIRED),
  /** Live (not retired) profiles of the given kinds; ephemeral workers excluded. */
  liveOfKinds: (tenantId: string, kinds: readonly string[]) =>
    live(tenantId)
      .where('kind', '=', (eb) => eb.fn.any(eb.val([...kinds])))
      .where((eb) => eb.not(eb.ref('ephemeral')))
      .orderBy('created_at'),
  nameTakenByOther: (tenantId: string, name: string, id: string) =>
    db
      .selectFrom('agent_profiles')
      .select(sql.lit(1).as('taken'))
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .where('status', '<>', RETIRED)
      .where('id', '<>', id),
  /** Inserts the profiles whose live name is free; returns only the inserted ones. */
  insertFree: (tenantId: string, rows: readonly ProfileInsert[]) =>
    db
      .insertInto('agent_profiles')
      .columns([
        'id',
        'tenant_id',
        'kind',
        'name',
        'capabilities',
        'specializations',
        'system_prompt',
        'model',
        'ephemeral',
        'builtin',
        'spawned_by_goal_id',
        'status',
        'running',
      ])
      .expression(
        db
          .selectFrom(
            sql<ProfileInsert>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<'p'>(
              sql`p(id uuid, kind text, name text, capabilities text[], specializations text[],
                system_prompt text, model text, ephemeral boolean, builtin boolean,
                spawned_by_goal_id uuid, status text, running integer)`,
            ),
          )
          .select((eb) => [
            'p.id',
            eb.val(tenantId).as('tenant_id'),
            'p.kind',
            'p.name',
            'p.capabilities',
            'p.specializations',
            'p.system_prompt',
            'p.model',
            'p.ephemeral',
            'p.builtin',
            'p.spawned_by_goal_id',
            'p.status',
            'p.running',
          ]),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'name']).where('status', '<>', RETIRED).doNothing(),
      )
      .returningAll()
      .$castTo<AgentProfileRow>(),
  edit: (tenantId: string, id: string, edit: ProfileEdit) =>
    db
      .updateTable('agent_profiles')
      .set({ ...edit, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .returningAll()
      .$castTo<AgentProfileRow>(),
  retire: (tenantId: string, id: string) =>
    db
      .updateTable('agent_profiles')
      .set({ status: RETIRED, running: sql.lit(0), retired_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .where('status', '<>', RETIRED),
  /** One more attempt running on the agent. */
  startWork: (tenantId: string, id: string) =>
    db
      .updateTable('agent_profiles as p')
      .set({ running: sql`p.running + 1`, status: BUSY_UNLESS_RETIRED, updated_at: sql`now()` })
      .where('p.id', '=', id)
      .where('p.tenant_id', '=', tenantId)
      .returningAll()
      .$castTo<AgentProfileRow>(),
  /**
   * `startWork` for many attempts, as a CTE of the start statement: one running slot per
   * row of its `change` CTE (the tasks going running, `agent_id` null for none), per agent.
   */
  startWorkForStarts: (tenantId: string) =>
    cte<{ change: { agent_id: string | null } }>()((qc) =>
      qc
        .updateTable('agent_profiles as p')
        .set({
          running: sql`p.running + s.n`,
          status: BUSY_UNLESS_RETIRED,
          updated_at: sql`now()`,
        })
        .from([
          qc
            .selectFrom('change')
            .select(['agent_id', sql<number>`count(*)::int`.as('n')])
            .where('agent_id', 'is not', null)
            .groupBy('agent_id')
            .as('s'),
          lockedInIdOrder(tenantId, qc.selectFrom('change').select('agent_id')),
        ])
        .where(sql<boolean>`p.id = s.agent_id AND p.id = l.id`)
        .where('p.tenant_id', '=', tenantId)
        .returningAll('p'),
    ),
  finishWork: (tenantId: string, id: string) =>
    db
      .updateTable('agent_profiles as p')
      .set({
        running: sql`greatest(p.running - 1, 0)`,
        status: sql<string>`CASE WHEN p.status = 'retired' THEN p.status WHEN p.running - 1 > 0 THEN 'busy' ELSE 'idle' END`,
        updated_at: sql`now()`,
      })
      .where('p.id', '=', id)
      .where('p.tenant_id', '=', tenantId),
  /** The learning step for several agents at once, one fold row per agent. */
  foldOutcomes: (tenantId: string, folds: readonly OutcomeFold[], retire: boolean) =>
    db
      .updateTable('agent_profiles as p')
      .set(foldSet(retire))
      .from(
        sql`jsonb_to_recordset(${JSON.stringify(folds)}::jsonb)`.as<'o'>(sql`o(${FOLD_COLUMNS})`),
      )
      .where(sql<boolean>`p.id = o.id`)
      .where('p.tenant_id', '=', tenantId)
      .returning('p.id'),
  /**
   * The successful outcomes of finished tasks summed per agent, as the `folds` CTE of the
   * statement that stores their results: one fold row per agent of the tasks of `input`
   * that `change` completed.
   */
  foldsOfCompletions: () =>
    cte<{ input: CompletionOutcome; change: { task_id: string; tokens: number } }>()((qc) =>
      qc
        .selectFrom('input as i')
        .innerJoin('change as c', 'c.task_id', 'i.id')
        .select((eb) => [
          'i.agent_id as id',
          sql<number>`count(*)::int`.as('tasks'),
          sql<number>`count(*)::int`.as('successes'),
          sql<number>`sum(${eb.ref('c.tokens')})::real`.as('tokens'),
          sql<number>`sum(${eb.ref('i.duration_ms')})::real`.as('duration_ms'),
          eb
            .selectFrom(
              eb
                .selectFrom('input as i2')
                .innerJoin('change as c2', 'c2.task_id', 'i2.id')
                .select(['i2.task_type', sql<number>`count(*)::int`.as('n')])
                .whereRef('i2.agent_id', '=', 'i.agent_id')
                .groupBy('i2.task_type')
                .as('x'),
            )
            .select((x) =>
              sql<unknown>`jsonb_object_agg(${x.ref('x.task_type')}, jsonb_build_object('tasks', ${x.ref('x.n')}, 'successes', ${x.ref('x.n')}))`.as(
                'types',
              ),
            )
            .as('types'),
          sql<unknown>`'{}'::jsonb`.as('errors'),
          eb.fn.max('i.at').as('last_active'),
        ])
        .where('i.agent_id', 'is not', null)
        .groupBy('i.agent_id'),
    ),
  /**
   * The learning step as a CTE folding the rows of the `folds` CTE (the columns of a fold,
   * one row per agent): used when the outcomes themselves are computed in the same statement.
   */
  foldFromRows: (tenantId: string) =>
    cte<{ folds: FoldRow }>()((qc) =>
      qc
        .updateTable('agent_profiles as p')
        .set(foldSet(false))
        .from(['folds as o', lockedInIdOrder(tenantId, qc.selectFrom('folds').select('id'))])
        .whereRef('p.id', '=', 'o.id')
        .whereRef('p.id', '=', 'l.id')
        .where('p.tenant_id', '=', tenantId)
        .returning('p.id'),
    ),
  /** One more reuse of each profile; rows are locked in id order (no deadlock). */
  markReused: (tenantId: string, ids: readonly string[]) =>
    db
      .with(
        (cte) => cte('locked').materialized(),
        (q) =>
          q
            .selectFrom('agent_profiles')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', (eb) => eb.fn.any(sql<string[]>`${[...ids]}::uuid[]`))
            .orderBy('id')
            .forUpdate(),
      )
      .updateTable('agent_profiles as p')
      .set({ reuse_count: sql`p.reuse_count + 1`, updated_at: sql`now()` })
      .from('locked')
      .whereRef('p.id', '=', 'locked.id')
      .where('p.tenant_id', '=', tenantId),
  /** Serializes the tenant's spawns to the end of the transaction (count, then insert). */
  lockSpawns: (tenantId: string) =>
    db.selectNoFrom(
      sql<string>`pg_advisory_xact_lock(hashtextextended(${`agent-spawns:${tenantId}`}, 0))::text`.as(
        'locked',
      ),
    ),
  countRunning: (tenantId: string) =>
    db
      .selectFrom('agent_profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('running', '>', sql.lit(0))
      .where('status', '<>', RETIRED)
      .where((eb) => eb.not(eb.ref('builtin'))),
  countSpawnedForGoal: (tenantId: string, goalId: string) =>
    db
      .selectFrom('agent_profiles')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('spawned_by_goal_id', '=', goalId),
};
