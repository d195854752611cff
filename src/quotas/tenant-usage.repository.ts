import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DataSource } from 'typeorm';
import { db, firstOf, rowsOf, type SqlExecutor } from '../database/query-builder';
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

/** Every statement on `tenant_usage`: counters per tenant, resource and window. */
const statements = {
  /**
   * Adds `amount` when the result stays within `limit` (null: no limit): the check and the
   * use in one statement, so concurrent requests in any process cannot pass the limit
   * together. No row comes back when the limit refuses.
   */
  consume: (
    tenantId: string,
    resource: string,
    window: QuotaWindow,
    amount: number,
    limit: number | null,
  ) =>
    db
      .insertInto('tenant_usage')
      .columns(['tenant_id', 'resource', 'window_start', 'used'])
      .expression(
        db
          .selectNoFrom([
            sql<string>`${tenantId}::uuid`.as('tenant_id'),
            sql<string>`${resource}::text`.as('resource'),
            windowStart(window).as('window_start'),
            sql<string>`${amount}::bigint`.as('used'),
          ])
          .where(sql<boolean>`${limit}::bigint IS NULL OR ${amount}::bigint <= ${limit}::bigint`),
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
      .returning(['used', 'window_start']),
  /** Gives back what a running total held (never below zero). */
  release: (tenantId: string, resource: string, amount: number) =>
    db
      .updateTable('tenant_usage')
      .set({
        used: sql<string>`greatest(used - ${amount}::bigint, 0)`,
        updated_at: sql<Date>`now()`,
      })
      .where('tenant_id', '=', tenantId)
      .where('resource', '=', resource)
      .where('window_start', '=', windowStart('total')),
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
      statements.consume(tenantId, resource, window, amount, limit),
    );
    return row ? Number(row.used) : undefined;
  }

  async release(tenantId: string, resource: string, amount: number): Promise<void> {
    await rowsOf(this.dataSource, statements.release(tenantId, resource, amount));
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
      statement: statements.consume(TENANT, 'goals_per_day', 'day', 1, 10),
    },
    {
      name: 'consume (no limit)',
      statement: statements.consume(TENANT, 'tokens_per_day', 'day', 500, null),
    },
    { name: 'release', statement: statements.release(TENANT, 'storage_bytes', 1024) },
    { name: 'current', statement: statements.current(TENANT) },
    { name: 'today', statement: statements.today() },
    { name: 'deleteEnded', statement: statements.deleteEnded(30) },
  ],
};
