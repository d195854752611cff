import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('expires entries, evicts the oldest when full, and deletes by predicate', () => {
    const cache = new TtlCache<string, number>(1000, 2);
    cache.set('a', 1, 0);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1000)).toBeUndefined();
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBe(3);
    cache.deleteWhere((k) => k === 'c');
    expect(cache.get('c', 1)).toBeUndefined();
    const off = new TtlCache<string, number>(0);
    off.set('x', 1);
    expect(off.get('x')).toBeUndefined();
  });
});
