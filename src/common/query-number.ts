import { Transform } from 'class-transformer';

const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A query-string parameter read as an integer: only plain decimal digits become a number.
 * Anything else ("0x10", " 5", "+5", "1e3", an empty value, the parameter given twice)
 * stays as sent, so `@IsInt()` refuses it by name instead of it being read as some other
 * number.
 */
export function QueryInteger(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value,
  );
}

/** A query-string parameter read as a decimal number (`-0.25`, `1`), by the same rule. */
export function QueryNumber(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && DECIMAL_NUMBER.test(value) ? Number(value) : value,
  );
}
