import { randomInt } from 'node:crypto';

export function newNumericCode(digits = 6): string {
  return randomInt(10 ** digits)
    .toString()
    .padStart(digits, '0');
}

export function isNumericCode(input: string, digits = 6): boolean {
  return input.length === digits && /^\d+$/.test(input);
}
