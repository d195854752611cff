import { attachEach } from './plugin-extensions';

describe('attachEach', () => {
  it('adds every part and takes them all back, last first', () => {
    const live: string[] = [];
    const add = (part: string) => {
      live.push(part);
      return () => live.splice(live.indexOf(part), 1);
    };
    const detach = attachEach(['a', 'b', 'c'], add);
    expect(live).toEqual(['a', 'b', 'c']);
    detach();
    expect(live).toEqual([]);
    detach();
    expect(live).toEqual([]);
  });

  it('takes back the parts added before one that is refused, and rethrows', () => {
    const live: string[] = [];
    const add = (part: string) => {
      if (part === 'bad') throw new Error('bad part');
      live.push(part);
      return () => live.splice(live.indexOf(part), 1);
    };
    expect(() => attachEach(['a', 'b', 'bad', 'c'], add)).toThrow('bad part');
    expect(live).toEqual([]);
    expect(attachEach(undefined, add)).toEqual(expect.any(Function));
  });
});
