export class TimeLimitExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = 'TimeLimitExceeded';
  }
}

/** `work`, or TimeLimitExceeded after `ms`; the work itself goes on (plugin code cannot be stopped). */
export async function withinTimeLimit<T>(
  work: () => Promise<T> | T,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeLimitExceeded(what, ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
