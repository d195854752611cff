import type { DataSource, EntityManager } from 'typeorm';
import { CommitOutcomeUnknown } from './transient-errors';
import { inOneStatement, inTransaction } from './transaction';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
const cut = () => new Error('Connection terminated unexpectedly');

/** A data source whose query runners record what happened; COMMIT fails with `commitError`. */
function fakeDataSource(commitError?: () => Error) {
  const log: string[] = [];
  const manager = { query: jest.fn() } as unknown as EntityManager;
  const dataSource = {
    manager,
    createQueryRunner: () => ({
      manager,
      connect: async () => log.push('connect'),
      startTransaction: async () => log.push('begin'),
      commitTransaction: async () => {
        log.push('commit');
        if (commitError) throw commitError();
      },
      rollbackTransaction: async () => log.push('rollback'),
      release: async () => log.push('release'),
    }),
  } as unknown as DataSource;
  return { dataSource, log };
}

describe('units of work under transient database faults', () => {
  it('a transaction that deadlocked runs again and announces once, after its commit', async () => {
    const { dataSource, log } = fakeDataSource();
    const announced: number[] = [];
    let runs = 0;
    const result = await inTransaction(dataSource, async (uow) => {
      runs++;
      uow.afterCommit(() => announced.push(runs));
      if (runs === 1) throw deadlock();
      return 'done';
    });
    expect(result).toBe('done');
    expect(runs).toBe(2);
    expect(announced).toEqual([2]);
    expect(log).toEqual([
      ...['connect', 'begin', 'rollback', 'release'],
      ...['connect', 'begin', 'commit', 'release'],
    ]);
  });

  it('a connection lost during COMMIT is not run again: its outcome is unknown', async () => {
    const { dataSource } = fakeDataSource(cut);
    let runs = 0;
    const announced: string[] = [];
    await expect(
      inTransaction(dataSource, async (uow) => {
        runs++;
        uow.afterCommit(() => announced.push('x'));
      }),
    ).rejects.toBeInstanceOf(CommitOutcomeUnknown);
    expect(runs).toBe(1);
    expect(announced).toEqual([]);
  });

  it('an error of the work itself is thrown at once', async () => {
    const { dataSource } = fakeDataSource();
    let runs = 0;
    await expect(
      inTransaction(dataSource, async () => {
        runs++;
        throw new Error('no agent can take task t1');
      }),
    ).rejects.toThrow('no agent can take task t1');
    expect(runs).toBe(1);
  });

  it('a single statement runs again only when it certainly did not apply', async () => {
    const { dataSource } = fakeDataSource();
    let runs = 0;
    await inOneStatement(dataSource, async () => {
      if (++runs === 1) throw new Error('timeout exceeded when trying to connect');
    });
    expect(runs).toBe(2);
    runs = 0;
    await expect(
      inOneStatement(dataSource, async () => {
        runs++;
        throw cut();
      }),
    ).rejects.toThrow('Connection terminated unexpectedly');
    expect(runs).toBe(1);
  });
});
