import {
  CommitOutcomeUnknown,
  faultLabelOf,
  isTransientDbError,
  transientKindOf,
} from './transient-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transient database faults', () => {
  it.each([
    ['a deadlock', withCode('40P01', 'deadlock detected'), 'not-applied', 'deadlock'],
    ['a serialization failure', withCode('40001'), 'not-applied', 'serialization'],
    [
      'a server starting up',
      withCode('57P03', 'the database system is starting up'),
      'not-applied',
      'connection',
    ],
    [
      'a prepared plan gone stale inside a transaction',
      withCode('0A000', 'cached plan must not change result type'),
      'not-applied',
      'stale_plan',
    ],
    ['a refused connection', withCode('ECONNREFUSED'), 'not-applied', 'connection'],
    [
      'a pool with no free connection',
      new Error('timeout exceeded when trying to connect'),
      'not-applied',
      'pool_timeout',
    ],
    [
      'an immediate shutdown',
      withCode('57P01', 'terminating connection due to administrator command'),
      'connection-lost',
      'connection',
    ],
    ['a reset connection', withCode('ECONNRESET'), 'connection-lost', 'connection'],
    [
      'a connection cut mid-query',
      new Error('Connection terminated unexpectedly'),
      'connection-lost',
      'connection',
    ],
    [
      'a lost COMMIT',
      new CommitOutcomeUnknown(new Error('Connection terminated')),
      'connection-lost',
      'connection',
    ],
  ])('%s is transient (%s)', (_what, error, kind, label) => {
    expect(transientKindOf(error)).toBe(kind);
    expect(faultLabelOf(error)).toBe(label);
  });

  it('looks inside what TypeORM wraps (driverError)', () => {
    const wrapped = Object.assign(new Error('query failed'), {
      driverError: withCode('40P01', 'deadlock detected'),
    });
    expect(transientKindOf(wrapped)).toBe('not-applied');
  });

  it.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    ['an application error', new Error('no agent can take task t1')],
    ['no error at all', undefined],
  ])('%s is not transient', (_what, error) => {
    expect(isTransientDbError(error)).toBe(false);
  });
});

describe('faults that are not the database', () => {
  it('a model server refusing connections, wrapped by its client, is not a database fault', () => {
    const wrapped = new Error('Connection error.', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(isTransientDbError(wrapped)).toBe(false);
  });
});
