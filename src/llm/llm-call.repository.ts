import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type OnConflictBuilder } from 'kysely';
import { db, rowsOf, type SqlExecutor } from '../database/query-builder';
import { recordset } from '../database/recordset';
import type { DB, LlmCalls } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';

/** One model call as stored: the call and where it belongs (its tenant, goal, task). */
export interface LlmCallRow {
  id: string;
  tenant_id: string;
  goal_id: string | null;
  task_id: string | null;
  agent: string | null;
  purpose: string;
  provider: string;
  model: string;
  status: string;
  error: string | null;
  attempts: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  duration_ms: number;
}

/** A goal's use of the model by one agent. */
export interface AgentUsage {
  agent: string;
  llm_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

const CALL_COLUMNS = {
  id: 'uuid',
  tenant_id: 'uuid',
  goal_id: 'uuid',
  task_id: 'uuid',
  agent: 'text',
  purpose: 'text',
  provider: 'text',
  model: 'text',
  status: 'text',
  error: 'text',
  attempts: 'integer',
  prompt_tokens: 'integer',
  completion_tokens: 'integer',
  cost_usd: 'numeric',
  duration_ms: 'integer',
} as const;

/** Today's window of the tenant's token counter (`tenant_usage`, as quotas/ counts it). */
const TOKENS_TODAY = sql<Date>`date_trunc('day', now(), 'UTC')`;

/** A tenant's tokens of today grow by the calls just stored (the row exists after the first). */
const addToTodaysTokens = (oc: OnConflictBuilder<DB, 'tenant_usage'>) =>
  oc.columns(['tenant_id', 'resource', 'window_start']).doUpdateSet({
    used: sql<string>`tenant_usage.used + excluded.used`,
    updated_at: sql<Date>`now()`,
  });

/** A tenant's tokens of today, after the calls just stored. */
export interface TenantTokensToday {
  tenant_id: string;
  used: string;
}

/**
 * Every statement on `llm_calls`. Each call row carries its tenant; the task and goal
 * roll-ups of a call are part of the statement that stores it (atomic without a
 * transaction, one round trip).
 */
const statements = {
  /** One call (most calls are alone), with plain parameters: a cheaper plan. */
  storeOne: (row: LlmCallRow) =>
    db
      .with('c', (qc) =>
        qc
          .insertInto('llm_calls')
          .values(row satisfies Insertable<LlmCalls>)
          .returning(sql<number>`1`.as('one')),
      )
      .with('t', (qc) =>
        qc
          .updateTable('tasks')
          .set((eb) => ({
            prompt_tokens: sql<string>`${eb.ref('prompt_tokens')} + ${row.prompt_tokens}`,
            completion_tokens: sql<string>`${eb.ref('completion_tokens')} + ${row.completion_tokens}`,
            cost_usd: sql<string>`${eb.ref('cost_usd')} + ${row.cost_usd}`,
          }))
          .where(sql<boolean>`${row.task_id}::uuid IS NOT NULL`)
          .where('id', '=', sql<string>`${row.task_id}::uuid`)
          .where('tenant_id', '=', row.tenant_id)
          .returning(sql<number>`1`.as('one')),
      )
      .with('g', (qc) =>
        qc
          .updateTable('goals')
          .set((eb) => ({
            prompt_tokens: sql<string>`${eb.ref('prompt_tokens')} + ${row.prompt_tokens}`,
            completion_tokens: sql<string>`${eb.ref('completion_tokens')} + ${row.completion_tokens}`,
            cost_usd: sql<string>`${eb.ref('cost_usd')} + ${row.cost_usd}`,
            llm_calls: eb('llm_calls', '+', 1),
          }))
          .where(sql<boolean>`${row.goal_id}::uuid IS NOT NULL`)
          .where('id', '=', sql<string>`${row.goal_id}::uuid`)
          .where('tenant_id', '=', row.tenant_id)
          .returning(sql<number>`1`.as('one')),
      )
      .with('u', (qc) =>
        qc
          .insertInto('tenant_usage')
          .values({
            tenant_id: row.tenant_id,
            resource: 'tokens_per_day',
            window_start: TOKENS_TODAY,
            used: row.prompt_tokens + row.completion_tokens,
          })
          .onConflict(addToTodaysTokens)
          .returning(['tenant_id', 'used']),
      )
      .selectFrom('u')
      .select(['u.tenant_id', 'u.used']),
  /** Several calls, sent as one JSON parameter, with the task and goal roll-ups summed. */
  storeMany: (rows: readonly LlmCallRow[]) =>
    db
      .with('v', (qc) => qc.selectFrom(recordset('v', rows, CALL_COLUMNS)).selectAll())
      .with('c', (qc) =>
        qc
          .insertInto('llm_calls')
          .columns(Object.keys(CALL_COLUMNS) as Array<keyof typeof CALL_COLUMNS>)
          .expression((eb) =>
            eb
              .selectFrom('v')
              .select(Object.keys(CALL_COLUMNS) as Array<keyof typeof CALL_COLUMNS>),
          )
          .returning(sql<number>`1`.as('one')),
      )
      .with('t', (qc) =>
        qc
          .updateTable('tasks')
          .from(
            qc
              .selectFrom('v')
              .select((eb) => [
                'v.task_id',
                'v.tenant_id',
                eb.fn.sum<number>('v.prompt_tokens').as('prompt_tokens'),
                eb.fn.sum<number>('v.completion_tokens').as('completion_tokens'),
                eb.fn.sum<string>('v.cost_usd').as('cost_usd'),
              ])
              .where('v.task_id', 'is not', null)
              .groupBy(['v.task_id', 'v.tenant_id'])
              .as('s'),
          )
          .set((eb) => ({
            prompt_tokens: sql<string>`${eb.ref('tasks.prompt_tokens')} + ${eb.ref('s.prompt_tokens')}`,
            completion_tokens: sql<string>`${eb.ref('tasks.completion_tokens')} + ${eb.ref('s.completion_tokens')}`,
            cost_usd: sql<string>`${eb.ref('tasks.cost_usd')} + ${eb.ref('s.cost_usd')}`,
          }))
          .whereRef('tasks.id', '=', 's.task_id')
          .whereRef('tasks.tenant_id', '=', 's.tenant_id')
          .returning(sql<number>`1`.as('one')),
      )
      .with('g', (qc) =>
        qc
          .updateTable('goals')
          .from(
            qc
              .selectFrom('v')
              .select((eb) => [
                'v.goal_id',
                'v.tenant_id',
                eb.fn.sum<number>('v.prompt_tokens').as('prompt_tokens'),
                eb.fn.sum<number>('v.completion_tokens').as('completion_tokens'),
                eb.fn.sum<string>('v.cost_usd').as('cost_usd'),
                eb.fn.countAll<number>().as('calls'),
              ])
              .where('v.goal_id', 'is not', null)
              .groupBy(['v.goal_id', 'v.tenant_id'])
              .as('s'),
          )
          .set((eb) => ({
            prompt_tokens: sql<string>`${eb.ref('goals.prompt_tokens')} + ${eb.ref('s.prompt_tokens')}`,
            completion_tokens: sql<string>`${eb.ref('goals.completion_tokens')} + ${eb.ref('s.completion_tokens')}`,
            cost_usd: sql<string>`${eb.ref('goals.cost_usd')} + ${eb.ref('s.cost_usd')}`,
            llm_calls: sql<number>`${eb.ref('goals.llm_calls')} + ${eb.ref('s.calls')}`,
          }))
          .whereRef('goals.id', '=', 's.goal_id')
          .whereRef('goals.tenant_id', '=', 's.tenant_id')
          .returning(sql<number>`1`.as('one')),
      )
      .with('u', (qc) =>
        qc
          .insertInto('tenant_usage')
          .columns(['tenant_id', 'resource', 'window_start', 'used'])
          .expression((eb) =>
            eb
              .selectFrom('v')
              .select((sb) => [
                'v.tenant_id',
                sql<string>`'tokens_per_day'`.as('resource'),
                TOKENS_TODAY.as('window_start'),
                sql<string>`sum(${sb.ref('v.prompt_tokens')} + ${sb.ref('v.completion_tokens')})`.as(
                  'used',
                ),
              ])
              .groupBy('v.tenant_id'),
          )
          .onConflict(addToTodaysTokens)
          .returning(['tenant_id', 'used']),
      )
      .selectFrom('u')
      .select(['u.tenant_id', 'u.used']),
  /** A goal's calls, counted and summed per agent. */
  usageByAgent: (tenantId: string, goalId: string) =>
    db
      .selectFrom('llm_calls')
      .select((eb) => [
        'agent',
        eb.fn.countAll<string>().as('calls'),
        eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
        eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
        eb.fn.sum<string>('cost_usd').as('cost_usd'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('goal_id', '=', goalId)
      .groupBy('agent')
      .orderBy('agent'),
};

/** Statements run on the executor given (the data source: a call is stored on its own). */
@Injectable()
export class LlmCallRepository {
  /**
   * Stores the calls with their task and goal roll-ups and the tenants' tokens of the day,
   * in one statement; answers each tenant's tokens of today after them.
   */
  async store(executor: SqlExecutor, rows: readonly LlmCallRow[]): Promise<TenantTokensToday[]> {
    if (!rows.length) return [];
    return rowsOf(
      executor,
      rows.length === 1 ? statements.storeOne(rows[0]) : statements.storeMany(rows),
    );
  }

  /** A goal's calls per agent: how many, their tokens and their cost. */
  async usageByAgent(
    executor: SqlExecutor,
    tenantId: string,
    goalId: string,
  ): Promise<AgentUsage[]> {
    const rows = await rowsOf(executor, statements.usageByAgent(tenantId, goalId));
    return rows.map((r) => ({
      agent: r.agent ?? 'unknown',
      llm_calls: Number(r.calls),
      prompt_tokens: Number(r.prompt_tokens),
      completion_tokens: Number(r.completion_tokens),
      cost_usd: Number(r.cost_usd),
    }));
  }
}

export const llmCallStatements: StatementCatalog = {
  file: 'src/llm/queries/llm-call.repository.sql',
  samples: () => {
    const row: LlmCallRow = {
      id: '00000000-0000-0000-0000-000000000004',
      tenant_id: '00000000-0000-0000-0000-000000000001',
      goal_id: '00000000-0000-0000-0000-000000000002',
      task_id: '00000000-0000-0000-0000-000000000003',
      agent: 'generalist',
      purpose: 'task',
      provider: 'scripted',
      model: 'm',
      status: 'succeeded',
      error: null,
      attempts: 1,
      prompt_tokens: 10,
      completion_tokens: 5,
      cost_usd: 0.001,
      duration_ms: 12,
    };
    return [
      { name: 'storeOne', statement: statements.storeOne(row) },
      { name: 'storeMany', statement: statements.storeMany([row, row]) },
      { name: 'usageByAgent', statement: statements.usageByAgent(row.tenant_id, row.goal_id!) },
    ];
  },
};
