import { randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;

/** Upper case without 0/O, 1/I/L, so a code read from paper is typed back right. */
export const BACKUP_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const HALF = 4;

function randomHalf(): string {
  let out = '';
  for (let i = 0; i < HALF; i++)
    out += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
  return out;
}

export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(`${randomHalf()}-${randomHalf()}`);
  return [...codes];
}

/** The canonical `XXXX-XXXX` form of what a user typed, or undefined if it is no backup code. */
export function normalizeBackupCode(input: string): string | undefined {
  const compact = input
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  if (compact.length !== HALF * 2) return undefined;
  if ([...compact].some((char) => !BACKUP_CODE_ALPHABET.includes(char))) return undefined;
  return `${compact.slice(0, HALF)}-${compact.slice(HALF)}`;
}
