import { DataSource, EntityManager } from 'typeorm';

/**
 * A unit of work: one database transaction plus the announcements to make once it has
 * committed (state is persisted before its effects are announced).
 */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(action: () => void): void;
}

export async function inTransaction<T>(
  dataSource: DataSource,
  work: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const announcements: Array<() => void> = [];
  const result = await dataSource.transaction((manager) =>
    work({ manager, afterCommit: (action) => announcements.push(action) }),
  );
  for (const announce of announcements) announce();
  return result;
}
