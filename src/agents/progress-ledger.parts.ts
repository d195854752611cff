import { sql } from 'kysely';
import { db } from '../database/query-builder';

/** The columns a statement writing `progress_ledger` rows inserts. */
export const INSERT_COLUMNS = [
  'tenant_id',
  'goal_id',
  'task_id',
  'plan_version',
  'step',
  'kind',
  'agent_id',
  'fingerprint',
  'is_satisfied',
  'is_looping',
  'is_progressing',
  'stall_count',
  'next_instruction',
  'facts',
] as const;
/** The goal's last step (0 before its first row). */
export const lastStep = (tenantId: string, goalId: string) =>
  db
    .selectFrom('progress_ledger')
    .select(sql<number>`coalesce(max(step), 0)`.as('step'))
    .where('tenant_id', '=', tenantId)
    .where('goal_id', '=', goalId);

/** The plan's task rows in the ledger. */
export const planTaskRows = (tenantId: string, goalId: string, planVersion: number) =>
  db
    .selectFrom('progress_ledger as l')
    .where('l.tenant_id', '=', tenantId)
    .where('l.goal_id', '=', goalId)
    .where('l.plan_version', '=', planVersion)
    .where('l.kind', '=', sql.lit('task'));

/** The stall count of the plan's last task row in the ledger. */
export const lastStalls = (tenantId: string, goalId: string, planVersion: number) =>
  planTaskRows(tenantId, goalId, planVersion)
    .select('l.stall_count')
    .orderBy('l.id', 'desc')
    .limit(sql.lit(1));
