import { UsageError } from './cli-errors';
import { wholeNumberFlag } from './number-flag';

describe('wholeNumberFlag', () => {
  it('reads plain decimal digits within the range, and nothing when the flag is absent', () => {
    expect(wholeNumberFlag('5', 'limit', 1, 100)).toBe(5);
    expect(wholeNumberFlag('0', 'priority', 0, 10)).toBe(0);
    expect(wholeNumberFlag(undefined, 'limit', 1, 100)).toBeUndefined();
  });

  it('refuses anything else, naming the flag and the range', () => {
    for (const bad of ['abc', '', '0', '101', '1.5', '-1', '0x10', '1e2', ' 5', '9999999999'])
      expect(() => wholeNumberFlag(bad, 'limit', 1, 100)).toThrow(
        new UsageError('--limit must be a whole number from 1 to 100'),
      );
  });
});
