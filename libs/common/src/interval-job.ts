/**
 * Runs `work` every `intervalMs` without overlapping itself: a run still going when the
 * next tick comes makes that tick a no-op. The timer does not keep the process alive.
 * Errors go to `onError`; the next tick runs again. Answers a function that stops it.
 */
export function everyInterval(
  intervalMs: number,
  work: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    work()
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
