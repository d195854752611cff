import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affectedBy, db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** One journaled effect: a side-effecting tool call's result under its idempotency key. */
export interface JournalEntry {
  tenantId: string;
  idempotencyKey: string;
  goalId: string;
  taskId: string;
  tool: string;
  result: unknown;
}

/** Literals, not parameters: the statuses of a goal that has ended. */
const ENDED = [sql.lit('completed'), sql.lit('failed'), sql.lit('cancelled')];

/** The statements of the tools on `effect_journal`; each takes the tenant's id. */
const statements = {
  resultOf: (tenantId: string, idempotencyKey: string) =>
    db
      .selectFrom('effect_journal')
      .select('result')
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', idempotencyKey),
  /** The first result under a key stays: a replayed write does nothing. */
  insert: (entry: JournalEntry) =>
    db
      .insertInto('effect_journal')
      .values({
        tenant_id: entry.tenantId,
        idempotency_key: entry.idempotencyKey,
        goal_id: entry.goalId,
        task_id: entry.taskId,
        tool: entry.tool,
        result: JSON.stringify(entry.result ?? null),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing()),
  /** Retention, across tenants: the journal of goals that ended more than `days` ago. */
  deleteOfEndedGoals: (days: number) =>
    db
      .deleteFrom('effect_journal as j')
      .using('goals as g')
      .whereRef('j.goal_id', '=', 'g.id')
      .where('g.status', 'in', ENDED)
      .where('g.completed_at', '<', sql<Date>`now() - make_interval(days => ${days})`),
};

/** Statements run on the executor given: the data source, or the effect's transaction. */
@Injectable()
export class EffectJournalRepository {
  /** The journaled result under the key, if the effect already happened. */
  resultOf(
    executor: SqlExecutor,
    tenantId: string,
    idempotencyKey: string,
  ): Promise<{ result: unknown } | undefined> {
    return firstOf(executor, statements.resultOf(tenantId, idempotencyKey));
  }

  async insert(executor: SqlExecutor, entry: JournalEntry): Promise<void> {
    await rowsOf(executor, statements.insert(entry));
  }

  deleteOfEndedGoals(executor: SqlExecutor, days: number): Promise<number> {
    return affectedBy(executor, statements.deleteOfEndedGoals(days));
  }
}

export const effectJournalStatements: StatementCatalog = {
  file: 'src/tools/queries/effect-journal.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    return [
      { name: 'resultOf', statement: statements.resultOf(tenant, 'task:1:abc') },
      { name: 'deleteOfEndedGoals', statement: statements.deleteOfEndedGoals(30) },
      {
        name: 'insert',
        statement: statements.insert({
          tenantId: tenant,
          idempotencyKey: 'task:1:abc',
          goalId: '00000000-0000-0000-0000-0000000000f1',
          taskId: '00000000-0000-0000-0000-0000000000f2',
          tool: 'save_artifact',
          result: { ok: true },
        }),
      },
    ];
  },
};
