import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * A transaction that the statements of a block of code join without being handed it: the
 * repositories' statements on its data source run on it, and what listens to the block's
 * events (the webhook outbox, the audit trail) can write with it or wait for its commit.
 */
export interface AmbientTransaction {
  readonly manager: EntityManager;
  /** Work the commit waits for (a write of the same change); its failure rolls back. */
  enlist(write: Promise<unknown>): void;
  /**
   * Runs once the transaction has committed, never after a rollback; `atomically` resolves
   * after the promises these actions return.
   */
  afterCommit(action: () => void | Promise<void>): void;
}

interface Scope extends AmbientTransaction {
  readonly dataSource: DataSource;
  open: boolean;
  readonly enlisted: Array<Promise<unknown>>;
}

const storage = new AsyncLocalStorage<Scope>();

/** The ambient transaction the caller runs in, while it is open. */
export function currentTransaction(): AmbientTransaction | undefined {
  const scope = storage.getStore();
  return scope?.open ? scope : undefined;
}

/** Whether work on `dataSource` joins the open ambient transaction. */
export function joinsAmbient(dataSource: DataSource): boolean {
  const scope = storage.getStore();
  return scope?.open === true && scope.dataSource === dataSource;
}

/** Where a statement aimed at `executor` runs: the open ambient transaction on it, or itself. */
export function ambientExecutor<E extends Pick<EntityManager, 'query'>>(
  executor: E,
): E | EntityManager {
  const scope = storage.getStore();
  if (!scope?.open) return executor;
  const target: unknown = executor;
  return target === scope.dataSource || target === scope.dataSource.manager
    ? scope.manager
    : executor;
}

/**
 * Runs `work` in one transaction that every statement on `dataSource` inside it joins;
 * inside another one on the same data source, it joins that one. Announcements queued with
 * `afterCommit` run once it has committed.
 */
export async function atomically<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const outer = storage.getStore();
  if (outer?.open && outer.dataSource === dataSource) return work();
  const runner = dataSource.createQueryRunner();
  const announcements: Array<() => void | Promise<void>> = [];
  const scope: Scope = {
    dataSource,
    manager: runner.manager,
    open: true,
    enlisted: [],
    enlist: (write) => {
      // observed at once so a write failing after a failed block is never unhandled
      write.catch(() => undefined);
      scope.enlisted.push(write);
    },
    afterCommit: (action) => announcements.push(action),
  };
  try {
    await runner.connect();
    await runner.startTransaction();
    let result: T;
    try {
      result = await storage.run(scope, work);
      await Promise.all(scope.enlisted);
    } catch (error) {
      await Promise.allSettled(scope.enlisted);
      scope.open = false;
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    scope.open = false;
    await runner.commitTransaction();
    for (const announce of announcements) await announce();
    return result;
  } finally {
    scope.open = false;
    await runner.release().catch(() => undefined);
  }
}
