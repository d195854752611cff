import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { db, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** Every statement on `evolution_trials`; each takes the tenant's id. */
const statements = {
  variantsOfGoal: (tenantId: string, goalId: string) =>
    db
      .selectFrom('evolution_trials')
      .select('variant_id')
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId),
  insert: (tenantId: string, variantId: string, goalId: string) =>
    db
      .insertInto('evolution_trials')
      .values({ tenant_id: tenantId, variant_id: variantId, goal_id: goalId })
      .onConflict((oc) => oc.doNothing()),
  /** The goal's unfinished trial gets its outcome, score, tokens and duration from the goal. */
  finish: (tenantId: string, goalId: string, outcome: 'succeeded' | 'failed') =>
    db
      .updateTable('evolution_trials as t')
      .set({
        outcome,
        finished_at: sql`now()`,
        score: sql`(g.result->'verdict'->>'score')::real`,
        tokens: sql`g.prompt_tokens + g.completion_tokens`,
        duration_ms: sql`(extract(epoch FROM (coalesce(g.completed_at, now()) - coalesce(g.started_at, g.created_at))) * 1000)::bigint`,
      })
      .from('goals as g')
      .whereRef('g.id', '=', 't.goal_id')
      .whereRef('g.tenant_id', '=', 't.tenant_id')
      .where('t.tenant_id', '=', tenantId)
      .where('t.goal_id', '=', goalId)
      .where('t.outcome', 'is', null),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class EvolutionTrialRepository {
  /** The variants the goal is a trial of. */
  async variantsOfGoal(executor: SqlExecutor, tenantId: string, goalId: string): Promise<string[]> {
    return (await rowsOf(executor, statements.variantsOfGoal(tenantId, goalId))).map(
      (r) => r.variant_id,
    );
  }

  async insert(
    executor: SqlExecutor,
    tenantId: string,
    variantId: string,
    goalId: string,
  ): Promise<void> {
    await rowsOf(executor, statements.insert(tenantId, variantId, goalId));
  }

  async finish(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
    outcome: 'succeeded' | 'failed',
  ): Promise<void> {
    await rowsOf(executor, statements.finish(tenantId, goalId, outcome));
  }
}

export const evolutionTrialStatements: StatementCatalog = {
  file: 'src/evolution/queries/evolution-trial.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const variant = '00000000-0000-0000-0000-000000000002';
    const goal = '00000000-0000-0000-0000-000000000003';
    return [
      { name: 'variantsOfGoal', statement: statements.variantsOfGoal(tenant, goal) },
      { name: 'insert', statement: statements.insert(tenant, variant, goal) },
      { name: 'finish', statement: statements.finish(tenant, goal, 'succeeded') },
    ];
  },
};
