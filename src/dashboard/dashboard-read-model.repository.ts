import { Injectable } from '@nestjs/common';
import { sql, type Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf } from '../database/query-builder';
import type { Goals, Tasks } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

export type DashboardGoalRow = Selectable<Goals>;
export type DashboardTaskRow = Selectable<Tasks>;

/** A count, sum or average as the driver returns it (bigint and numeric come back as text). */
type Figure = string | number | null;
/** A count: never null. */
type Count = string | number;

/** One hour of a series: the hour and its value. */
export interface HourlyRow {
  t: Date;
  v: Figure;
}

/** The hourly series the dashboard draws, each over the last day of one tenant. */
export type HourlySeries =
  | 'goalsCreated'
  | 'goalsCompleted'
  | 'goalsFailed'
  | 'tasksCompleted'
  | 'successRate'
  | 'durationMs'
  | 'tokens';

const FINISHED = ['completed', 'failed', 'cancelled'].map((s) => sql.lit(s));
const lit = (status: string) => sql.lit(status);
const tokensOf = sql<Figure>`coalesce(sum(prompt_tokens + completion_tokens), 0)`;
const durationMs = sql<Figure>`avg(extract(epoch FROM completed_at - started_at) * 1000)`;
const hour = (column: 'created_at' | 'completed_at') =>
  sql<Date>`date_trunc('hour', ${sql.ref(column)})`.as('t');
const count = sql<Figure>`count(*)`;

/** A tenant's goals finished since a moment (a series' window). */
const goalsFinishedSince = (tenantId: string, from: Date) =>
  db.selectFrom('goals').where('tenant_id', '=', tenantId).where('completed_at', '>=', from);

/**
 * The dashboard's read model: aggregates over a tenant's goals, tasks and model calls.
 * Read-only; every statement takes the tenant's id.
 */
const statements = {
  goalTotals: (tenantId: string) =>
    db
      .selectFrom('goals')
      .select((eb) => [
        eb.fn.countAll<Count>().as('total'),
        eb.fn.countAll<Count>().filterWhere('status', 'not in', FINISHED).as('active'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('completed')).as('completed'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('failed')).as('failed'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('cancelled')).as('cancelled'),
        tokensOf.as('tokens'),
        eb.fn
          .count<Count>('lease_owner')
          .distinct()
          .filterWhere('lease_expires_at', '>', sql<Date>`now()`)
          .as('workers'),
      ])
      .where('tenant_id', '=', tenantId),
  agentTotals: (tenantId: string) =>
    db
      .selectFrom('tasks')
      .select((eb) => [
        eb.fn.count<Count>('agent_id').distinct().as('total'),
        eb.fn
          .count<Count>('agent_id')
          .distinct()
          .filterWhere('status', '=', lit('running'))
          .as('active'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('agent_id', 'is not', null),
  activeGoals: (tenantId: string, limit: number) =>
    db
      .selectFrom('goals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', 'not in', FINISHED)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit),
  recentGoals: (tenantId: string, limit: number) =>
    db
      .selectFrom('goals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', FINISHED)
      .orderBy(sql`coalesce(completed_at, updated_at)`, 'desc')
      .orderBy('id', 'desc')
      .limit(limit),
  /** The tasks of the goals' current plans. */
  currentTasks: (tenantId: string, goalIds: string[]) =>
    db
      .selectFrom('tasks as t')
      .innerJoin('goals as g', (join) =>
        join.onRef('g.id', '=', 't.goal_id').onRef('g.tenant_id', '=', 't.tenant_id'),
      )
      .selectAll('t')
      .where('t.tenant_id', '=', tenantId)
      .where('t.goal_id', '=', (eb) => eb.fn.any(eb.val(goalIds)))
      .whereRef('t.plan_version', '=', 'g.plan_version')
      .orderBy('t.created_at')
      .orderBy('t.key'),
  agentActivity: (tenantId: string, limit: number) =>
    db
      .selectFrom('tasks')
      .select((eb) => [
        'agent_id',
        eb.fn.max('agent_kind').as('agent_kind'),
        eb.fn.countAll<Count>().as('total'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('running')).as('running'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('completed')).as('completed'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('failed')).as('failed'),
        tokensOf.as('tokens'),
        sql<Date | null>`max(coalesce(completed_at, started_at, updated_at))`.as('last_active_at'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('agent_id', 'is not', null)
      .groupBy('agent_id')
      .orderBy(sql`max(updated_at)`, 'desc')
      .limit(limit),
  goalStatusCounts: (tenantId: string) =>
    db
      .selectFrom('goals')
      .select((eb) => ['status', eb.fn.countAll<Count>().as('n')])
      .where('tenant_id', '=', tenantId)
      .groupBy('status'),
  agentKinds: (tenantId: string) =>
    db
      .selectFrom('tasks')
      .select((eb) => [
        sql<string>`coalesce(agent_kind, 'unknown')`.as('kind'),
        eb.fn.count<Count>('agent_id').distinct().as('n'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('agent_id', 'is not', null)
      .groupBy(sql`1`),
  goalOutcomes: (tenantId: string) =>
    db
      .selectFrom('goals')
      .select((eb) => [
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('completed')).as('completed'),
        eb.fn.countAll<Count>().filterWhere('status', '=', lit('failed')).as('failed'),
        sql<Figure>`${durationMs} FILTER (WHERE status = 'completed')`.as('avg_ms'),
        tokensOf.as('tokens'),
      ])
      .where('tenant_id', '=', tenantId),
  /** One row per hour with a value; hours without any are missing. */
  hourly: {
    goalsCreated: (tenantId: string, from: Date) =>
      db
        .selectFrom('goals')
        .select([hour('created_at'), count.as('v')])
        .where('tenant_id', '=', tenantId)
        .where('created_at', '>=', from)
        .groupBy(sql`1`),
    goalsCompleted: (tenantId: string, from: Date) =>
      goalsFinishedSince(tenantId, from)
        .select([hour('completed_at'), count.as('v')])
        .where('status', '=', lit('completed'))
        .groupBy(sql`1`),
    goalsFailed: (tenantId: string, from: Date) =>
      goalsFinishedSince(tenantId, from)
        .select([hour('completed_at'), count.as('v')])
        .where('status', '=', lit('failed'))
        .groupBy(sql`1`),
    tasksCompleted: (tenantId: string, from: Date) =>
      db
        .selectFrom('tasks')
        .select([hour('completed_at'), count.as('v')])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', lit('completed'))
        .where('completed_at', '>=', from)
        .groupBy(sql`1`),
    successRate: (tenantId: string, from: Date) =>
      goalsFinishedSince(tenantId, from)
        .select([
          hour('completed_at'),
          sql<Figure>`avg(CASE WHEN status = 'completed' THEN 1.0 ELSE 0.0 END)`.as('v'),
        ])
        .where('status', 'in', [lit('completed'), lit('failed')])
        .groupBy(sql`1`),
    durationMs: (tenantId: string, from: Date) =>
      goalsFinishedSince(tenantId, from)
        .select([hour('completed_at'), durationMs.as('v')])
        .where('status', '=', lit('completed'))
        .groupBy(sql`1`),
    tokens: (tenantId: string, from: Date) =>
      db
        .selectFrom('llm_calls')
        .select([hour('created_at'), sql<Figure>`sum(prompt_tokens + completion_tokens)`.as('v')])
        .where('tenant_id', '=', tenantId)
        .where('created_at', '>=', from)
        .groupBy(sql`1`),
  } satisfies Record<HourlySeries, unknown>,
};

type Totals<K extends string> = Record<K, Figure>;

@Injectable()
export class DashboardReadModelRepository {
  constructor(private readonly dataSource: DataSource) {}

  async goalTotals(
    tenantId: string,
  ): Promise<
    Totals<'total' | 'active' | 'completed' | 'failed' | 'cancelled' | 'tokens' | 'workers'>
  > {
    return (await firstOf(this.dataSource, statements.goalTotals(tenantId)))!;
  }

  async agentTotals(tenantId: string): Promise<Totals<'total' | 'active'>> {
    return (await firstOf(this.dataSource, statements.agentTotals(tenantId)))!;
  }

  /** Unfinished goals, newest first. */
  activeGoals(tenantId: string, limit: number): Promise<DashboardGoalRow[]> {
    return rowsOf(this.dataSource, statements.activeGoals(tenantId, limit));
  }

  /** Finished goals, the last finished first. */
  recentGoals(tenantId: string, limit: number): Promise<DashboardGoalRow[]> {
    return rowsOf(this.dataSource, statements.recentGoals(tenantId, limit));
  }

  /** The tasks of the goals' current plans, in plan order. */
  currentTasks(tenantId: string, goalIds: string[]): Promise<DashboardTaskRow[]> {
    return rowsOf(this.dataSource, statements.currentTasks(tenantId, goalIds));
  }

  /** Per agent: its tasks by status, tokens and last activity; the busiest recently first. */
  agentActivity(tenantId: string, limit: number) {
    return rowsOf(this.dataSource, statements.agentActivity(tenantId, limit));
  }

  goalStatusCounts(tenantId: string): Promise<Array<{ status: string; n: Figure }>> {
    return rowsOf(this.dataSource, statements.goalStatusCounts(tenantId));
  }

  /** How many distinct agents of each kind worked on the tenant's tasks. */
  agentKinds(tenantId: string): Promise<Array<{ kind: string; n: Figure }>> {
    return rowsOf(this.dataSource, statements.agentKinds(tenantId));
  }

  async goalOutcomes(
    tenantId: string,
  ): Promise<Totals<'completed' | 'failed' | 'avg_ms' | 'tokens'>> {
    return (await firstOf(this.dataSource, statements.goalOutcomes(tenantId)))!;
  }

  hourly(series: HourlySeries, tenantId: string, from: Date): Promise<HourlyRow[]> {
    return rowsOf(this.dataSource, statements.hourly[series](tenantId, from));
  }
}

export const dashboardReadModelStatements: StatementCatalog = {
  file: 'src/dashboard/queries/dashboard-read-model.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const from = new Date('2026-01-01T00:00:00Z');
    const goal = '00000000-0000-0000-0000-0000000000f1';
    const series = Object.entries(statements.hourly).map(([name, statement]) => ({
      name: `hourly ${name}`,
      statement: statement(tenant, from),
    }));
    return [
      { name: 'goalTotals', statement: statements.goalTotals(tenant) },
      { name: 'agentTotals', statement: statements.agentTotals(tenant) },
      { name: 'activeGoals', statement: statements.activeGoals(tenant, 20) },
      { name: 'recentGoals', statement: statements.recentGoals(tenant, 20) },
      { name: 'currentTasks', statement: statements.currentTasks(tenant, [goal]) },
      { name: 'agentActivity', statement: statements.agentActivity(tenant, 50) },
      { name: 'goalStatusCounts', statement: statements.goalStatusCounts(tenant) },
      { name: 'agentKinds', statement: statements.agentKinds(tenant) },
      { name: 'goalOutcomes', statement: statements.goalOutcomes(tenant) },
      ...series,
    ];
  },
};
