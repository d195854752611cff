import { UsageError } from './cli-errors';

/**
 * A flag's whole number within [min, max], written as plain decimal digits; undefined when
 * the flag is absent. Anything else is a command line that cannot run, named by its flag.
 */
export function wholeNumberFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
