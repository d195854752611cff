import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

export const EVOLUTION_TARGETS = ['planner_prompt', 'workflow'] as const;
export type EvolutionTarget = (typeof EVOLUTION_TARGETS)[number];

/** A variant with its trials summed (counts and means arrive as text from PostgreSQL). */
export interface VariantRow {
  id: string;
  target: EvolutionTarget;
  name: string;
  guidance: string;
  status: 'testing' | 'champion' | 'retired';
  rationale: string;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
  trials: string;
  finished: string;
  successes: string;
  mean_tokens: number | null;
  mean_duration_ms: number | null;
  mean_score: number | null;
}

/** A variant that takes goals (testing or champion) with its number of trials. */
export interface LiveVariant {
  id: string;
  target: EvolutionTarget;
  name: string;
  guidance: string;
  status: string;
  trials: string;
}

export interface NewVariant {
  id: string;
  target: EvolutionTarget;
  name: string;
  guidance: string;
  rationale: string;
}

/** Every statement on `evolution_variants`; each takes the tenant's id. */
const statements = {
  /** Serialises the evolver's runs of one tenant until the transaction ends. */
  lockTenant: (tenantId: string) =>
    db.selectNoFrom(sql`pg_advisory_xact_lock(hashtext(${`evolver:${tenantId}`}))`.as('locked')),
  live: (tenantId: string) =>
    db
      .selectFrom('evolution_variants as v')
      .select((eb) => [
        'v.id',
        'v.target',
        'v.name',
        'v.guidance',
        'v.status',
        eb
          .selectFrom('evolution_trials as t')
          .select((c) => c.fn.countAll<string>().as('n'))
          .whereRef('t.variant_id', '=', 'v.id')
          .as('trials'),
      ])
      .where('v.tenant_id', '=', tenantId)
      .where('v.status', 'in', [sql.lit('testing'), sql.lit('champion')])
      .orderBy('v.target')
      .orderBy('v.id')
      .$castTo<LiveVariant>(),
  /** The tenant's variants (of one target, when given) with their trials summed. */
  withStats: (tenantId: string, target?: EvolutionTarget) =>
    db
      .selectFrom('evolution_variants as v')
      .leftJoin('evolution_trials as t', (join) =>
        join.onRef('t.variant_id', '=', 'v.id').onRef('t.tenant_id', '=', 'v.tenant_id'),
      )
      .select((eb) => [
        'v.id',
        'v.target',
        'v.name',
        'v.guidance',
        'v.status',
        'v.rationale',
        'v.reason',
        'v.created_at',
        'v.decided_at',
        eb.fn.count('t.goal_id').as('trials'),
        eb.fn.count('t.outcome').as('finished'),
        eb.fn.countAll().filterWhere('t.outcome', '=', sql.lit('succeeded')).as('successes'),
        eb.fn.avg('t.tokens').filterWhere('t.outcome', 'is not', null).as('mean_tokens'),
        eb.fn.avg('t.duration_ms').filterWhere('t.outcome', 'is not', null).as('mean_duration_ms'),
        eb.fn.avg('t.score').filterWhere('t.outcome', 'is not', null).as('mean_score'),
      ])
      .where('v.tenant_id', '=', tenantId)
      .$if(target !== undefined, (q) => q.where('v.target', '=', target!))
      .groupBy('v.id')
      .orderBy('v.target')
      .orderBy('v.created_at')
      .$castTo<VariantRow>(),
  /** Whether an experiment is running (a variant under test). */
  anyTesting: (tenantId: string) =>
    db
      .selectFrom('evolution_variants')
      .select(sql.lit(1).as('testing'))
      .where('tenant_id', '=', tenantId)
      .where('status', '=', sql.lit('testing'))
      .limit(1),
  decide: (tenantId: string, id: string, status: 'champion' | 'retired', reason: string) =>
    db
      .updateTable('evolution_variants')
      .set({ status: sql.lit(status), reason, decided_at: sql`now()` })
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId),
  /** The baseline arm of a target, unless it exists. */
  insertControl: (tenantId: string, id: string, target: EvolutionTarget) =>
    db
      .insertInto('evolution_variants')
      .values({
        id,
        tenant_id: tenantId,
        target,
        name: sql.lit('control'),
        guidance: sql.lit(''),
        status: sql.lit('champion'),
        rationale: sql.lit('the baseline prompt and workflow'),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'target', 'name']).doNothing()),
  insertTesting: (tenantId: string, v: NewVariant) =>
    db
      .insertInto('evolution_variants')
      .values({ ...v, tenant_id: tenantId, status: sql.lit('testing') }),
};

/** Statements run on the executor given: the data source, or the transaction of a unit of work. */
@Injectable()
export class EvolutionVariantRepository {
  async lockTenant(executor: SqlExecutor, tenantId: string): Promise<void> {
    await rowsOf(executor, statements.lockTenant(tenantId));
  }

  live(executor: SqlExecutor, tenantId: string): Promise<LiveVariant[]> {
    return rowsOf(executor, statements.live(tenantId));
  }

  withStats(
    executor: SqlExecutor,
    tenantId: string,
    target?: EvolutionTarget,
  ): Promise<VariantRow[]> {
    return rowsOf(executor, statements.withStats(tenantId, target));
  }

  async anyTesting(executor: SqlExecutor, tenantId: string): Promise<boolean> {
    return (await firstOf(executor, statements.anyTesting(tenantId))) !== undefined;
  }

  async decide(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
    status: 'champion' | 'retired',
    reason: string,
  ): Promise<void> {
    await rowsOf(executor, statements.decide(tenantId, id, status, reason));
  }

  async insertControl(
    executor: SqlExecutor,
    tenantId: string,
    id: string,
    target: EvolutionTarget,
  ): Promise<void> {
    await rowsOf(executor, statements.insertControl(tenantId, id, target));
  }

  async insertTesting(executor: SqlExecutor, tenantId: string, variant: NewVariant): Promise<void> {
    await rowsOf(executor, statements.insertTesting(tenantId, variant));
  }
}

export const evolutionVariantStatements: StatementCatalog = {
  file: 'src/evolution/queries/evolution-variant.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const variant = '00000000-0000-0000-0000-000000000002';
    return [
      { name: 'lockTenant', statement: statements.lockTenant(tenant) },
      { name: 'live', statement: statements.live(tenant) },
      { name: 'withStats', statement: statements.withStats(tenant) },
      { name: 'withStats (one target)', statement: statements.withStats(tenant, 'workflow') },
      { name: 'anyTesting', statement: statements.anyTesting(tenant) },
      {
        name: 'decide',
        statement: statements.decide(tenant, variant, 'champion', 'more successes'),
      },
      { name: 'insertControl', statement: statements.insertControl(tenant, variant, 'workflow') },
      {
        name: 'insertTesting',
        statement: statements.insertTesting(tenant, {
          id: variant,
          target: 'workflow',
          name: 'self-check-step',
          guidance: 'End the plan with a check.',
          rationale: 'verification failed on 3 recent goals',
        }),
      },
    ];
  },
};
