import { isNumericCode, newNumericCode } from './one-time-code';

describe('numeric one-time codes', () => {
  it('are six digits by default, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, () => newNumericCode());
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
    expect(new Set(codes).size).toBeGreaterThan(1900);
  });

  it('take another length when asked', () => {
    expect(newNumericCode(8)).toMatch(/^\d{8}$/);
    expect(newNumericCode(4)).toMatch(/^\d{4}$/);
  });

  it('recognise only digits of the expected length', () => {
    expect(isNumericCode('012345')).toBe(true);
    expect(isNumericCode('01234567', 8)).toBe(true);
    for (const input of ['', '12345', '1234567', '12 456', '12345a', '１２３４５６', '-12345'])
      expect(isNumericCode(input)).toBe(false);
  });
});
