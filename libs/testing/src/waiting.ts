/** Polls until `check` returns a value (not undefined/false), or fails at the deadline. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${options.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** A goal as the API shows it once it has finished (completed, failed or cancelled). */
export function goalFinished<G extends { status: string }>(
  read: () => Promise<{ body: G }>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<G> {
  return waitFor(
    async () => {
      const goal = (await read()).body;
      return ['completed', 'failed', 'cancelled'].includes(goal.status) ? goal : undefined;
    },
    { what: 'the goal to finish', timeoutMs: 60_000, ...options },
  );
}
