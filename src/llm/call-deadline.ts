/** One model call's abort signal: the caller's signal and a timeout, on one controller. */
export interface CallDeadline {
  readonly signal: AbortSignal;
  /** True when the timeout, not the caller, aborted the call. */
  readonly timedOut: boolean;
  /** Stops the timer and lets go of the caller's signal; call once the call has settled. */
  dispose(): void;
}

/**
 * AbortSignal.timeout with AbortSignal.any costs several times this per call in Node 20
 * (weak references and a finalization registry per combined signal, and a timer that lives
 * until it fires); a swarm makes one per worker on the event loop its answers return to.
 */
export function callDeadline(parent: AbortSignal | undefined, timeoutMs: number): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = () => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
