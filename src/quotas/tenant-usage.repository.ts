import { Injectable } from '@nestjs/common';
import { sql, type Expression, type QueryCreator, type RawBuilder, type SqlBool } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
import { cte } from '../database/recordset';
import type { DB } from '../database/schema.generated';
import type { StatementCatalog } from '../database/statement-catalog';
import type { QuotaWindow } from './quota-windows';

/** The start of the window that holds the database's now (one clock for every process). */
const windowStart = (window: QuotaWindow): RawBuilder<Date> => {
  switch (window) {
    case 'day':
      return sql<Date>`date_trunc('day', now(), 'UTC')`;
    case 'minute':
      return sql<Date>`date_trunc('minute', now())`;
    case 'total':
      return sql<Date>`'epoch'::timestamptz`;
  }
};

/** A use of a counted resource: `amount` added within `limit` (null: no limit). */
export interface UsageUse {
  tenantId: string;
  resource: string;
  window: QuotaWindow;
  amount: number;
  limit: number | null;
}

/**
 * Adds `amount` when the result stays within `limit`: the check and the use in one
 * statement, so concurrent requests in any process cannot pass the limit together. No row
 * comes back when the limit refuses (or `onlyIf` is false).
 */
function consumeWith(qc: QueryCreator<DB>, use: UsageUse, onlyIf?: Expression<SqlBool>) {
  const { tenantId, resource, window, amount, limit } = use;
  const withinLimit = sql<boolean>`(${limit}::bigint IS NULL OR ${amount}::bigint <= ${limit}::bigint)`;
  return qc
    .insertInto('tenant_usage')
    .columns(['tenant_id', 'resource', 'window_start', 'used'])
    .expression(
      qc
        .selectNoFrom([
          sql<string>`${tenantId}::uuid`.as('tenant_id'),
          sql<string>`${resource}::text`.as('resource'),
          windowStart(window).as('window_start'),
          sql<string>`${amount}::bigint`.as('used'),
        ])
        .where(onlyIf ? (eb) => eb.and([withinLimit, onlyIf]) : withinLimit),
    )
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'resource', 'window_start'])
        .doUpdateSet({
          used: sql<string>`tenant_usage.used + excluded.used`,
          updated_at: sql<Date>`now()`,
        })
        .where(
          sql<boolean>`${limit}::bigint IS NULL OR tenant_usage.used + excluded.used <= ${limit}::bigint`,
        ),
    )
    .returning(['used', 'window_start']);
}

/**
 * A use as a CTE of a statement another repository writes (a goal submitted and counted in
 * one statement): one row, the counter after the use, when admitted; none when refused.
 */
export const consumeUsage = (use: UsageUse, onlyIf?: Expression<SqlBool>) =>
  cte()((qc) => consumeWith(qc, use, onlyIf));

/** Every statement on `tenant_usage`: counters per tenant, resource and window. */
const statements = {
  consume: (use: UsageUse) => consumeWith(db, use),
  /** Gives back a use of the current window (never below zero). */
  release: (tenantId: string, resource: string, window: QuotaWindow, amount: number) =>
    db
      .updateTable('tenant_usage')
      .set({
        used: sql<string>`greatest(used - ${amount}::bigint, 0)`,
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('resource', '=', resource)
      .where('window_start', '=', windowStart(window)),
  /** The tenant's counters in their current windows. */
  current: (tenantId: string) =>
    db
      .selectFrom('tenant_usage')
      .select(['resource', 'used'])
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('resource', 'in', ['goals_per_day', 'tokens_per_day']),
            eb('window_start', '=', windowStart('day')),
          ]),
          eb('window_start', '=', windowStart('total')),
        ]),
      ),
  /** Every tenant's counters of today and running totals (for the metrics). */
  today: () =>
    db
      .selectFrom('tenant_usage')
      .select(['tenant_id', 'resource', 'used'])
      .where('window_start', 'in', [windowStart('day'), windowStart('total')]),
  /** Windows that ended before the retention: nothing reads them any more. */
  deleteEnded: (days: number) =>
    db
      .deleteFrom('tenant_usage')
      .where('window_start', '<>', windowStart('total'))
      .where('window_start', '<', sql<Date>`now() - make_interval(days => ${days})`),
};

export interface UsageCount {
  resource: string;
  used: number;
}

@Injectable()
export class TenantUsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The counter after the use, or undefined when the limit refused it. */
  async consume(
    executor: SqlExecutor,
    tenantId: string,
    resource: string,
    window: QuotaWindow,
    amount: number,
    limit: number | null,
  ): Promise<number | undefined> {
    const row = await firstOf(
      executor,
      statements.consume({ tenantId, resource, window, amount, limit }),
    );
    return row ? Number(row.used) : undefined;
  }

  async release(
    tenantId: string,
    resource: string,
    window: QuotaWindow,
    amount: number,
  ): Promise<void> {
    await rowsOf(this.dataSource, statements.release(tenantId, resource, window, amount));
  }

  async current(tenantId: string): Promise<UsageCount[]> {
    const rows = await rowsOf(this.dataSource, statements.current(tenantId));
    return rows.map((r) => ({ resource: r.resource, used: Number(r.used) }));
  }

  async today(): Promise<Array<UsageCount & { tenantId: string }>> {
    const rows = await rowsOf(this.dataSource, statements.today());
    return rows.map((r) => ({ tenantId: r.tenant_id, resource: r.resource, used: Number(r.used) }));
  }

  async deleteEnded(days: number): Promise<void> {
    await rowsOf(this.dataSource, statements.deleteEnded(days));
  }
}

const TENANT = '00000000-0000-0000-0000-000000000001';

export const tenantUsageStatements: StatementCatalog = {
  file: 'src/quotas/queries/tenant-usage.repository.sql',
  samples: () => [
    {
      name: 'consume (a daily quota)',
      statement: statements.consume({
        tenantId: TENANT,
        resource: 'goals_per_day',
        window: 'day',
        amount: 1,
        limit: 10,
      }),
    },
    {
      name: 'consume (no limit)',
      statement: statements.consume({
        tenantId: TENANT,
        resource: 'tokens_per_day',
        window: 'day',
        amount: 500,
        limit: null,
      }),
    },
    { name: 'release', statement: statements.release(TENANT, 'storage_bytes', 'total', 1024) },
    { name: 'current', statement: statements.current(TENANT) },
    { name: 'today', statement: statements.today() },
    { name: 'deleteEnded', statement: statements.deleteEnded(30) },
  ],
};
