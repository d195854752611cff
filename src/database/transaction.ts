import { DataSource, EntityManager } from 'typeorm';
import { backoffDelay, sleep } from '#common';
import { logFor } from '../observability/logger';
import { currentTransaction, joinsAmbient } from '../common/ambient-transaction';
import { dbRetries } from './db-fault-metrics';
import { CommitOutcomeUnknown, faultLabelOf, transientKindOf } from './transient-errors';

const log = logFor('UnitOfWork');

/**
 * A unit of work: one database transaction plus the announcements to make once it has
 * committed (state is persisted before its effects are announced).
 */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(action: () => void): void;
}

/**
 * How a unit of work meets transient faults: it runs again, after a backoff, while the
 * fault certainly left nothing behind; longer outages are for the caller to wait out.
 */
export const UNIT_OF_WORK_RETRY = { attempts: 6, baseMs: 50, maxMs: 2000 };

/**
 * Runs `work` in one transaction. A deadlock, a serialization failure, a pool timeout or a
 * connection lost before COMMIT rolls the transaction back and runs `work` again (so `work`
 * must derive what it writes from what it reads in the transaction). A connection lost
 * during COMMIT throws CommitOutcomeUnknown. Inside `atomically` on the same data source,
 * `work` joins that transaction instead.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const ambient = currentTransaction();
  if (ambient && joinsAmbient(dataSource))
    return work({ manager: ambient.manager, afterCommit: (action) => ambient.afterCommit(action) });
  return retrying(
    () =>
      announcing((afterCommit) =>
        transaction(dataSource, (manager) => work({ manager, afterCommit })),
      ),
    (error) => !(error instanceof CommitOutcomeUnknown) && transientKindOf(error) !== undefined,
  );
}

/**
 * A unit of work of exactly one statement, which the database runs atomically on its own:
 * no transaction round trips; the announcements run once the statement has returned. It
 * runs again only when the statement certainly did not apply (a lost connection leaves
 * its outcome unknown).
 */
export function inOneStatement<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  return retrying(
    () => announcing((afterCommit) => work({ manager: dataSource.manager, afterCommit })),
    (error) => transientKindOf(error) === 'not-applied',
  );
}

/**
 * Runs one statement (or other work that is safe to repeat) again after transient faults
 * that certainly left nothing behind.
 */
export function retryingStatement<T>(work: () => Promise<T>): Promise<T> {
  return retrying(work, (error) => transientKindOf(error) === 'not-applied');
}

async function retrying<T>(
  run: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= UNIT_OF_WORK_RETRY.attempts || !isRetryable(error)) throw error;
      const fault = faultLabelOf(error);
      dbRetries.inc({ fault, level: 'unit_of_work' });
      if (attempt === 1) log.warn(`database fault (${fault}): retrying the unit of work`);
      await sleep(backoffDelay(attempt, UNIT_OF_WORK_RETRY.baseMs, UNIT_OF_WORK_RETRY.maxMs));
    }
  }
}

/** A transaction on its own query runner, telling a failed COMMIT apart from failed work. */
async function transaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction();
    let result: T;
    try {
      result = await work(runner.manager);
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    try {
      await runner.commitTransaction();
    } catch (error) {
      if (transientKindOf(error) === 'connection-lost') throw new CommitOutcomeUnknown(error);
      throw error;
    }
    return result;
  } finally {
    await runner.release().catch(() => undefined);
  }
}

/** Runs `run`, then the announcements it queued (only once it has succeeded). */
async function announcing<T>(
  run: (afterCommit: (action: () => void) => void) => Promise<T>,
): Promise<T> {
  const announcements: Array<() => void> = [];
  const result = await run((action) => announcements.push(action));
  for (const announce of announcements) announce();
  return result;
}
