import { BACKUP_CODE_COUNT, newBackupCodes, normalizeBackupCode } from './backup-codes';

describe('backup codes', () => {
  it('issues ten distinct XXXX-XXXX codes without look-alike characters', () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(BACKUP_CODE_COUNT);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(code).not.toMatch(/[01OIL]/);
    }
  });

  it('issues as many codes as asked', () => {
    expect(newBackupCodes(3)).toHaveLength(3);
    expect(new Set(newBackupCodes(500)).size).toBe(500);
  });

  it('gives each code back in its canonical form however it was typed', () => {
    expect(normalizeBackupCode('ABCD-EFGH')).toBe('ABCD-EFGH');
    expect(normalizeBackupCode('  abcd efgh ')).toBe('ABCD-EFGH');
    expect(normalizeBackupCode('abcdefgh')).toBe('ABCD-EFGH');
    expect(normalizeBackupCode('ab-cd-ef-gh')).toBe('ABCD-EFGH');
    const [code] = newBackupCodes(1);
    expect(normalizeBackupCode(code.toLowerCase())).toBe(code);
  });

  it.each([
    '',
    'ABCD-EFG',
    'ABCD-EFGHJ',
    'ABCD-EFG0',
    'ABCD-EFGO',
    'ABCD-EFG1',
    'ABCD-EFGL',
    'ABCD_EFGH',
  ])('refuses %j', (input) => {
    expect(normalizeBackupCode(input)).toBeUndefined();
  });
});
