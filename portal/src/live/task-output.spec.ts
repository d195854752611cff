import { applyDelta, type WrittenOutput } from './task-output';

describe('a running task output assembled from its deltas', () => {
  const delta = (offset: number, text: string, turn = 0) => ({
    task_id: 't1',
    turn,
    offset,
    text,
  });

  it('appends each delta that continues the text, and starts again at offset 0 or a new turn', () => {
    const outputs = new Map<string, WrittenOutput>();
    expect(applyDelta(outputs, delta(0, 'Hello'))).toBe(true);
    expect(applyDelta(outputs, delta(5, ', world'))).toBe(true);
    expect(outputs.get('t1')?.text).toBe('Hello, world');
    expect(applyDelta(outputs, delta(0, 'Retried'))).toBe(true);
    expect(outputs.get('t1')?.text).toBe('Retried');
    expect(applyDelta(outputs, delta(0, 'Second turn', 1))).toBe(true);
    expect(outputs.get('t1')).toEqual({ turn: 1, text: 'Second turn' });
  });

  it('drops a delta that does not continue what it holds, and malformed ones', () => {
    const outputs = new Map<string, WrittenOutput>();
    expect(applyDelta(outputs, delta(3, 'late'))).toBe(false);
    expect(outputs.size).toBe(0);
    applyDelta(outputs, delta(0, 'abc'));
    expect(applyDelta(outputs, delta(10, 'gap'))).toBe(false);
    expect(applyDelta(outputs, delta(3, 'x', 2))).toBe(false);
    expect(applyDelta(outputs, { task_id: 't1', turn: 0, offset: '3', text: 'd' })).toBe(false);
    expect(outputs.get('t1')?.text).toBe('abc');
  });
});
