import { Counter, register } from 'prom-client';

const NAME = 'db_retries_total';

/**
 * Retries of database work after a transient fault, by fault (`deadlock`, `serialization`,
 * `pool_timeout`, `connection`) and where the retry happened (`unit_of_work`, `goal_step`).
 */
export const dbRetries: Counter<'fault' | 'level'> =
  (register.getSingleMetric(NAME) as Counter<'fault' | 'level'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Database work run again after a transient fault',
    labelNames: ['fault', 'level'],
  });
