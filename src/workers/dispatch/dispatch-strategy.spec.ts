import { capableOf, chooseWorker, type DispatchCandidate } from './dispatch-strategy';

const worker = (id: string, load: number, capacity: number, capabilities: string[] = []) => ({
  id,
  load,
  capacity,
  capabilities,
});

const context = (overrides: Partial<Parameters<typeof chooseWorker>[2]> = {}) => ({
  turn: 1,
  random: () => 0,
  routed: ['code', 'gpu'],
  required: [],
  ...overrides,
});

describe('dispatch strategies', () => {
  const fleet: DispatchCandidate[] = [
    worker('c', 0, 4, ['code']),
    worker('a', 3, 4, ['code', 'gpu']),
    worker('b', 1, 2),
  ];

  it('keeps only workers with every required capability, in id order', () => {
    expect(capableOf(fleet, []).map((w) => w.id)).toEqual(['a', 'b', 'c']);
    expect(capableOf(fleet, ['code']).map((w) => w.id)).toEqual(['a', 'c']);
    expect(capableOf(fleet, ['code', 'gpu']).map((w) => w.id)).toEqual(['a']);
    expect(capableOf(fleet, ['tpu'])).toEqual([]);
  });

  it('round robin takes turns in id order, whatever the load', () => {
    const capable = capableOf(fleet, []);
    const picks = [1, 2, 3, 4, 5, 6, 7].map(
      (turn) => chooseWorker('round_robin', capable, context({ turn }))!.id,
    );
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('least loaded takes the lowest load for the capacity, and none when all are full', () => {
    const capable = capableOf(fleet, []);
    expect(chooseWorker('least_loaded', capable, context())!.id).toBe('c');
    const full = [worker('a', 4, 4), worker('b', 2, 2)];
    expect(chooseWorker('least_loaded', full, context())).toBeUndefined();
    // b at 1/2 beats a at 3/4
    expect(
      chooseWorker('least_loaded', [worker('a', 3, 4), worker('b', 1, 2)], context())!.id,
    ).toBe('b');
  });

  it('weighted random follows free capacity', () => {
    const capable = [worker('a', 3, 4), worker('b', 0, 3)]; // free 1 and 3
    const pick = (r: number) =>
      chooseWorker('weighted_random', capable, context({ random: () => r }))!.id;
    expect(pick(0)).toBe('a');
    expect(pick(0.24)).toBe('a');
    expect(pick(0.26)).toBe('b');
    expect(pick(0.99)).toBe('b');
    // all full: by capacity
    const full = [worker('a', 4, 4), worker('b', 1, 1)];
    expect(chooseWorker('weighted_random', full, context({ random: () => 0.9 }))!.id).toBe('b');
  });

  it('capability match prefers the closest match, then the least loaded', () => {
    const capable = capableOf(fleet, ['code']);
    // c has code only; a also has gpu, which this job does not need
    expect(chooseWorker('capability_match', capable, context({ required: ['code'] }))!.id).toBe(
      'c',
    );
    const plain = capableOf(fleet, []);
    expect(chooseWorker('capability_match', plain, context())!.id).toBe('b');
  });

  it('answers undefined with no capable worker', () => {
    for (const strategy of [
      'round_robin',
      'least_loaded',
      'weighted_random',
      'capability_match',
    ] as const)
      expect(chooseWorker(strategy, [], context())).toBeUndefined();
  });
});
