/** Every statement on `goals`, built with the typed query builder (run by GoalRepository). */
import { sql } from 'kysely';
import { db } from '../database/query-builder';

/** Literals, not parameters: the partial index on unfinished goals is matched by its predicate. */
const RUNNING_STATUSES = [sql.lit('queued'), sql.lit('running')];

const leaseExpiry = (ttlMs: number) =>
  sql<Date>`now() + make_interval(secs => ${ttlMs}::double precision / 1000)`;

/** Every statement on `goals`; each tenant-owned one takes the tenant's id. */
export const statements = {
  byId: (tenantId: string, goalId: string) =>
    db.selectFrom('goals').selectAll().where('id', '=', goalId).where('tenant_id', '=', tenantId),
  /** The goal an earlier submission with the same idempotency key created, and what it asked. */
  byIdempotencyKey: (tenantId: string, key: string) =>
    db
      .selectFrom('goals')
      .select(['id', 'status', 'goal', 'title', 'requested_pattern', 'priority', 'metadata'])
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key),
  count: (tenantId: string, status: string | undefined, search?: string) =>
    db
      .selectFrom('goals')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where('tenant_id', '=', tenantId)
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
      .$if(!!search, (q) => q.where('goal', 'ilike', containing(search!))),
  /** Newest first. */
  page: (
    tenantId: string,
    status: string | undefined,
    limit: number,
    offset: number,
    search?: string,
  ) =>
    db
      .selectFrom('goals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .$if(status !== undefined, (q) => q.where('status', '=', status!))
      .$if(!!search, (q) => q.where('goal', 'ilike', containing(search!)))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset),
  /** Takes the lease when it is free, expired or already this owner's; the goal row after. */
  acquireLease: (tenantId: string, goalId: string, owner: string, ttlMs: number) =>
    db
      .updateTable('goals')
      .set({ lease_owner: owner, lease_expires_at: leaseExpiry(ttlMs) })
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', RUNNING_STATUSES)
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_owner', '=', owner),
          eb('lease_expires_at', '<', sql<Date>`now()`),
        ]),
      )
      .returningAll(),
  renewLease: (tenantId: string, goalId: string, owner: string, ttlMs: number) =>
    db
      .updateTable('goals')
      .set({ lease_expires_at: leaseExpiry(ttlMs) })
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .where('lease_owner', '=', owner)
      .where('status', 'in', RUNNING_STATUSES),
  releaseLease: (tenantId: string, goalId: string, owner: string) =>
    db
      .updateTable('goals')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .where('lease_owner', '=', owner),
  /** Every lease on record, across tenants (embedded mode: they are from a previous run). */
  releaseAllLeases: () =>
    db
      .updateTable('goals')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('lease_owner', 'is not', null),
  /**
   * Running goals without a live lease that have not moved for `quietMs`, across tenants,
   * most urgent first.
   */
  orphans: (quietMs: number, limit: number) =>
    db
      .selectFrom('goals')
      .select(['id', 'tenant_id', 'event_seq'])
      .where('status', 'in', RUNNING_STATUSES)
      .where((eb) =>
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', sql<Date>`now()`)]),
      )
      .where(
        'updated_at',
        '<',
        sql<Date>`now() - make_interval(secs => ${quietMs}::double precision / 1000)`,
      )
      .orderBy('priority', 'desc')
      .orderBy('created_at')
      .limit(limit),
  /** The tenant's goals per status. */
  countByStatus: (tenantId: string) =>
    db
      .selectFrom('goals')
      .select((eb) => ['status', eb.fn.countAll<string>().as('total')])
      .where('tenant_id', '=', tenantId)
      .groupBy('status'),
  /** Goals of the tenant a process drives now (a live lease), but `except`: its workers in use. */
  countDriven: (tenantId: string, except: string | null) =>
    db
      .selectFrom('goals')
      .select((eb) => eb.fn.countAll<string>().as('total'))
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', RUNNING_STATUSES)
      .where('lease_expires_at', '>', sql<Date>`now()`)
      .$if(except !== null, (q) => q.where('id', '<>', except!)),
  /** Holds the tenant's other lease takers until this transaction ends (count, then take). */
  lockWorkers: (tenantId: string) =>
    db.selectNoFrom(
      sql<string>`pg_advisory_xact_lock(hashtextextended(${`goal-workers:${tenantId}`}, 0))::text`.as(
        'locked',
      ),
    ),
  /** The tenant's goal that has waited longest for a worker (due to run, no live lease). */
  nextWaiting: (tenantId: string) =>
    db
      .selectFrom('goals')
      .select(['id', 'event_seq'])
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', RUNNING_STATUSES)
      .where((eb) =>
        eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', sql<Date>`now()`)]),
      )
      .orderBy('priority', 'desc')
      .orderBy('created_at')
      .limit(1),
  /** Every unfinished goal of the tenant waits (its lease ends, so its holder stops). */
  pauseAllOf: (tenantId: string) =>
    db
      .updateTable('goals')
      .set({
        status: sql.lit('paused'),
        paused_at: sql<Date>`now()`,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', [...RUNNING_STATUSES, sql.lit('awaiting_approval')])
      .returning(['id']),
  /** The tenant's paused goals take the status their state has again. */
  resumeAllOf: (tenantId: string) =>
    db
      .updateTable('goals')
      .set({
        status: sql<string>`CASE state WHEN 'RECEIVED' THEN 'queued' WHEN 'AWAITING_APPROVAL' THEN 'awaiting_approval' ELSE 'running' END`,
        paused_at: null,
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('status', '=', sql.lit('paused'))
      .returning(['id', 'status']),
  // --- safety counters, approval waits and the ledger's goal check ---
  exists: (tenantId: string, goalId: string) =>
    db
      .selectFrom('goals')
      .select(sql.lit(1).as('one'))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
  /** Counts tool calls or spawned agents against the goal's limits; answers its usage. */
  countUsage: (
    tenantId: string,
    goalId: string,
    counter: 'tool_calls' | 'agents_spawned',
    by: number,
  ) =>
    db
      .updateTable('goals')
      .set((eb) => ({ [counter]: eb(counter, '+', sql<number>`${by}::int`) }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId)
      .returning([
        'prompt_tokens',
        'completion_tokens',
        'cost_usd',
        'agents_spawned',
        'tool_calls',
        'started_at',
        'created_at',
        'approval_wait_ms',
      ]),
  /** The time since the goal's last change (the wait for a decision) added to its approval wait. */
  addApprovalWait: (tenantId: string, goalId: string) =>
    db
      .updateTable('goals')
      .set((eb) => ({
        approval_wait_ms: sql<string>`${eb.ref('approval_wait_ms')} + (extract(epoch from now() - ${eb.ref('updated_at')}) * 1000)::bigint`,
      }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
  /** A refusal of the safety gate, appended to the goal's record. */
  addSafetyViolations: (tenantId: string, goalId: string, entries: readonly object[]) =>
    db
      .updateTable('goals')
      .set((eb) => ({
        safety_violations: sql`${eb.ref('safety_violations')} || ${JSON.stringify(entries)}::jsonb`,
      }))
      .where('id', '=', goalId)
      .where('tenant_id', '=', tenantId),
};

/** An ILIKE pattern matching `text` anywhere, its own `%`, `_` and `\` taken literally. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
