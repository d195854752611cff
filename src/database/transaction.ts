import { DataSource, EntityManager } from 'typeorm';

/**
 * A unit of work: one database transaction plus the announcements to make once it has
 * committed (state is persisted before its effects are announced).
 */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(action: () => void): void;
}

export function inTransaction<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  return announcing((afterCommit) =>
    dataSource.transaction((manager) => work({ manager, afterCommit })),
  );
}

/**
 * A unit of work of exactly one statement, which the database runs atomically on its own:
 * no transaction round trips; the announcements run once the statement has returned.
 */
export function inOneStatement<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  return announcing((afterCommit) => work({ manager: dataSource.manager, afterCommit }));
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
