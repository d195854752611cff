/** A command line that cannot be run: the usage is shown with it (exit code 2). */
export class UsageError extends Error {}

/** The command ran and the outcome is a failure (a goal that failed): exit code 1. */
export class CommandFailed extends Error {}

/** A required word of the command line. */
export function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`needs ${what}`);
  return value;
}
