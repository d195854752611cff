import { base32Decode, base32Encode } from './base32';

describe('base32', () => {
  const RFC_4648: Array<[string, string]> = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];

  it.each(RFC_4648)('encodes %j as %j and back', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it('reads lower case, padding and spaces', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
  });

  it('round-trips random bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256));
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => base32Decode('MZXW1')).toThrow('Invalid base32 character');
  });
});
