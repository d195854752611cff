import type { TaskOutputDelta } from './live-output';
import { decodeLiveMessage, encodeLiveDelta, encodeLiveWatches } from './live-output-codec';

const delta: TaskOutputDelta = {
  tenant_id: 't1',
  goal_id: 'g1',
  task_id: 'k1',
  task_key: 't1',
  turn: 0,
  offset: 12,
  text: 'more words',
};

describe('live output messages', () => {
  it('carries a delta and the watches of a process', () => {
    expect(decodeLiveMessage(encodeLiveDelta('p1', delta))).toEqual({
      origin: 'p1',
      kind: 'delta',
      delta,
    });
    expect(decodeLiveMessage(encodeLiveWatches('p2', ['t1/g1', 't2/*']))).toEqual({
      origin: 'p2',
      kind: 'watches',
      keys: ['t1/g1', 't2/*'],
    });
  });

  it('refuses a delta missing a field or with a negative offset, and anything else', () => {
    const { tenant_id: _dropped, ...noTenant } = delta;
    expect(decodeLiveMessage(JSON.stringify({ v: 1, origin: 'p', delta: noTenant }))).toBeNull();
    expect(decodeLiveMessage(encodeLiveDelta('p', { ...delta, offset: -1 }))).toBeNull();
    expect(
      decodeLiveMessage(JSON.stringify({ v: 1, origin: 'p', watches: { keys: [1] } })),
    ).toBeNull();
    expect(decodeLiveMessage('not json')).toBeNull();
  });
});
