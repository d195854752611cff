import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** Finished goals grouped by one key (counts and means arrive as text from PostgreSQL). */
export interface OutcomeGroupRow {
  key: string | null;
  goals: string;
  completed: string;
  failed: string;
  mean_tokens: string | null;
  mean_duration_ms: string | null;
}

export interface AgentKindRow {
  agent: string;
  tasks: string;
  failed: string;
  tokens: string | null;
}

/** A verified lesson the critic gave, with the number of goals it was given on. */
export interface LessonRow {
  lesson: string;
  goals: string;
}

/** The finished goals of a tenant grouped by `key`, largest group first. */
const outcomesBy = (tenantId: string, key: RawBuilder<string | null>, perCapability = false) =>
  db
    .selectFrom('goals as g')
    .$if(perCapability, (q) =>
      q.crossJoin(
        sql`jsonb_array_elements_text(coalesce(g.intent->'capabilities', '[]'::jsonb))`.as<'c'>(
          sql`c(cap)`,
        ),
      ),
    )
    .select((eb) => [
      key.as('key'),
      eb.fn.countAll().as('goals'),
      eb.fn.countAll().filterWhere('g.status', '=', sql.lit('completed')).as('completed'),
      eb.fn.countAll().filterWhere('g.status', '=', sql.lit('failed')).as('failed'),
      eb.fn.avg(sql`g.prompt_tokens + g.completion_tokens`).as('mean_tokens'),
      eb.fn
        .avg(
          sql`extract(epoch FROM (g.completed_at - coalesce(g.started_at, g.created_at))) * 1000`,
        )
        .as('mean_duration_ms'),
    ])
    .where('g.tenant_id', '=', tenantId)
    .where('g.status', 'in', [sql.lit('completed'), sql.lit('failed')])
    .groupBy(sql`1`)
    .orderBy(sql`2`, 'desc')
    .limit(50)
    .$castTo<OutcomeGroupRow>();

/**
 * The evolver's analysis of outcomes: reads over goals, tasks and memories, grouped for the
 * evolution report and for proposing variants. Read only; each takes the tenant's id.
 */
const statements = {
  byPattern: (tenantId: string) => outcomesBy(tenantId, sql`coalesce(g.pattern, 'unknown')`),
  byComplexity: (tenantId: string) => outcomesBy(tenantId, sql`coalesce(g.complexity, 'unknown')`),
  byCapability: (tenantId: string) => outcomesBy(tenantId, sql`c.cap`, true),
  /** Tasks per agent kind: how many failed and the tokens they took. */
  byAgentKind: (tenantId: string) =>
    db
      .selectFrom('tasks')
      .select((eb) => [
        sql<string>`coalesce(agent_kind, 'unassigned')`.as('agent'),
        eb.fn.countAll().as('tasks'),
        eb.fn.countAll().filterWhere('status', '=', sql.lit('failed')).as('failed'),
        eb.fn.sum(sql`prompt_tokens + completion_tokens`).as('tokens'),
      ])
      .where('tenant_id', '=', tenantId)
      .groupBy(sql`1`)
      .orderBy(sql`2`, 'desc')
      .limit(50)
      .$castTo<AgentKindRow>(),
  topFailureReasons: (tenantId: string) =>
    db
      .selectFrom([
        'goals as g',
        sql`jsonb_array_elements_text(g.failure_reasons)`.as<'f'>(sql`f(reason)`),
      ])
      .select((eb) => [sql<string>`left(f.reason, 300)`.as('reason'), eb.fn.countAll().as('goals')])
      .where('g.tenant_id', '=', tenantId)
      .groupBy(sql`1`)
      .orderBy(sql`2`, 'desc')
      .limit(10)
      .$castTo<{ reason: string; goals: string }>(),
  /** Verified critic lessons of the last 30 days given on at least two goals. */
  recurringLessons: (tenantId: string) =>
    db
      .selectFrom([
        'memories as m',
        sql`jsonb_array_elements_text(CASE WHEN jsonb_typeof(m.metadata->'lessons') = 'array' THEN m.metadata->'lessons' ELSE '[]'::jsonb END)`.as<'l'>(
          sql`l(lesson)`,
        ),
      ])
      .select((eb) => [
        sql<string>`l.lesson`.as('lesson'),
        eb.fn.count('m.source_goal_id').distinct().as('goals'),
      ])
      .where('m.tenant_id', '=', tenantId)
      .where('m.kind', '=', sql.lit('strategic'))
      .where((eb) => eb.ref('m.verified'))
      .where(sql`m.metadata->>'outcome'`, '=', sql.lit('rejected by the critic'))
      .where('m.created_at', '>', sql<Date>`now() - interval '30 days'`)
      .groupBy(sql`l.lesson`)
      .having((eb) => eb.fn.count('m.source_goal_id').distinct(), '>=', sql.lit(2))
      .orderBy('goals', 'desc')
      .orderBy(sql`l.lesson`)
      .limit(3)
      .$castTo<LessonRow>(),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class EvolutionReportRepository {
  byPattern(executor: SqlExecutor, tenantId: string): Promise<OutcomeGroupRow[]> {
    return rowsOf(executor, statements.byPattern(tenantId));
  }

  byComplexity(executor: SqlExecutor, tenantId: string): Promise<OutcomeGroupRow[]> {
    return rowsOf(executor, statements.byComplexity(tenantId));
  }

  byCapability(executor: SqlExecutor, tenantId: string): Promise<OutcomeGroupRow[]> {
    return rowsOf(executor, statements.byCapability(tenantId));
  }

  byAgentKind(executor: SqlExecutor, tenantId: string): Promise<AgentKindRow[]> {
    return rowsOf(executor, statements.byAgentKind(tenantId));
  }

  topFailureReasons(
    executor: SqlExecutor,
    tenantId: string,
  ): Promise<Array<{ reason: string; goals: string }>> {
    return rowsOf(executor, statements.topFailureReasons(tenantId));
  }

  recurringLessons(executor: SqlExecutor, tenantId: string): Promise<LessonRow[]> {
    return rowsOf(executor, statements.recurringLessons(tenantId));
  }
}

export const evolutionReportStatements: StatementCatalog = {
  file: 'src/evolution/queries/evolution-report.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    return [
      { name: 'byPattern', statement: statements.byPattern(tenant) },
      { name: 'byComplexity', statement: statements.byComplexity(tenant) },
      { name: 'byCapability', statement: statements.byCapability(tenant) },
      { name: 'byAgentKind', statement: statements.byAgentKind(tenant) },
      { name: 'topFailureReasons', statement: statements.topFailureReasons(tenant) },
      { name: 'recurringLessons', statement: statements.recurringLessons(tenant) },
    ];
  },
};
