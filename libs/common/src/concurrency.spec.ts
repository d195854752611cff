import { WriteBatcher } from './concurrency';

describe('WriteBatcher', () => {
  it('writes the items of one event-loop turn together, and those that arrive meanwhile next', async () => {
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>(async (items) => {
      writes.push(items);
      await new Promise((r) => setTimeout(r, 5));
    });
    const first = [1, 2].map((i) => batcher.add(i));
    await new Promise((r) => setImmediate(r));
    const later = [3, 4].map((i) => batcher.add(i));
    await Promise.all([...first, ...later]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await batcher.add(5);
    expect(writes.at(-1)).toEqual([5]);
  });

  it('caps a batch, and gives each item of a failed batch its own outcome', async () => {
    const writes: string[][] = [];
    const batcher = new WriteBatcher<string>(async (items) => {
      writes.push(items);
      await Promise.resolve();
      if (items.includes('bad')) throw new Error('bad row');
    }, 2);
    const results = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((i) => batcher.add(i)));
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(writes).toEqual([['a', 'b'], ['bad', 'c'], ['bad'], ['c']]);
  });
});
