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

  it('answers each item with its own result, also when a failed batch is retried item by item', async () => {
    const batcher = new WriteBatcher<number, string>(async (items) => {
      if (items.length > 1 && items.includes(0)) throw new Error('batch refused');
      if (items[0] === 0) throw new Error('zero refused');
      return items.map((n) => `row ${n}`);
    });
    const together = await Promise.all([batcher.add(1), batcher.add(2)]);
    expect(together).toEqual(['row 1', 'row 2']);
    const mixed = await Promise.allSettled([batcher.add(3), batcher.add(0), batcher.add(4)]);
    expect(mixed).toEqual([
      { status: 'fulfilled', value: 'row 3' },
      { status: 'rejected', reason: new Error('zero refused') },
      { status: 'fulfilled', value: 'row 4' },
    ]);
  });

  it('holds a batch while more items are on their way, up to the limit', async () => {
    const writes: number[][] = [];
    let coming = 2;
    const batcher = new WriteBatcher<number>(
      async (items) => {
        writes.push(items);
      },
      200,
      { hold: () => coming > 0, maxHoldMs: 1000 },
    );
    const first = batcher.add(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toEqual([]);
    coming = 1;
    const second = batcher.add(2);
    batcher.recheck();
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toEqual([]);
    coming = 0;
    const third = batcher.add(3);
    batcher.recheck();
    await Promise.all([first, second, third]);
    expect(writes).toEqual([[1, 2, 3]]);

    const limited = new WriteBatcher<number>(
      async (items) => {
        writes.push(items);
      },
      200,
      { hold: () => true, maxHoldMs: 30 },
    );
    const started = Date.now();
    await limited.add(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(writes.at(-1)).toEqual([4]);
  });
});
