import { isUuid, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version 7 UUID whose first 48 bits are the time in ms', () => {
    const at = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
    const id = uuidv7(at);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time and never repeats, across many refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const sameMs = Array.from({ length: 2000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(sameMs).size).toBe(sameMs.length);
  });
});
