import { Counter, Gauge, register } from 'prom-client';
import type { DataSource } from 'typeorm';

const NAME = 'db_retries_total';

/**
 * Retries of database work after a transient fault, by fault (`deadlock`, `serialization`,
 * `pool_timeout`, `stale_plan`, `connection`) and where the retry happened (`unit_of_work`, `goal_step`).
 */
export const dbRetries: Counter<'fault' | 'level'> =
  (register.getSingleMetric(NAME) as Counter<'fault' | 'level'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Database work run again after a transient fault',
    labelNames: ['fault', 'level'],
  });

/** The counts a pg Pool keeps (PGlite's single-connection pool has none). */
interface PoolCounts {
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
}

/**
 * The connection pool at scrape time: work waiting for a connection (`db_pool_waiting`:
 * above zero for long, the pool is too small for the goals in flight) and connections by
 * state.
 */
export function registerPoolMetrics(dataSource: DataSource): void {
  const pool = (): PoolCounts | undefined =>
    (dataSource.driver as unknown as { master?: PoolCounts }).master;
  if (!register.getSingleMetric('db_pool_waiting'))
    new Gauge({
      name: 'db_pool_waiting',
      help: 'Database work of this process waiting for a pooled connection',
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
  if (!register.getSingleMetric('db_pool_connections'))
    new Gauge({
      name: 'db_pool_connections',
      help: 'Pooled database connections of this process, by state (idle, busy)',
      labelNames: ['state'],
      collect() {
        const counts = pool();
        const total = counts?.totalCount ?? 0;
        const idle = counts?.idleCount ?? 0;
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'busy' }, total - idle);
      },
    });
}
