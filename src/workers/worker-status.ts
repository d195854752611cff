/** Where a registered process stands, derived from its entry and its heartbeat's age. */
export const WORKER_STATUSES = ['IDLE', 'BUSY', 'DRAINING', 'OFFLINE'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** An entry whose heartbeat is older than this many offline windows leaves the registry. */
export const FORGET_AFTER_OFFLINE_WINDOWS = 10;

export interface StatusInputs {
  /** Running goal and task jobs as of the last heartbeat. */
  running: number;
  /** Draining, or told to drain. */
  draining: boolean;
  heartbeatAgeMs: number;
  offlineAfterMs: number;
}

/**
 * OFFLINE once the heartbeat is older than the offline window (whatever the entry said
 * last), otherwise DRAINING when it stops taking jobs, BUSY with running jobs, IDLE.
 */
export function workerStatus(inputs: StatusInputs): WorkerStatus {
  if (inputs.heartbeatAgeMs > inputs.offlineAfterMs) return 'OFFLINE';
  if (inputs.draining) return 'DRAINING';
  return inputs.running > 0 ? 'BUSY' : 'IDLE';
}

/** How old a heartbeat may be before its entry is removed (and how long an entry's keys live). */
export function forgetAfterMs(offlineAfterMs: number): number {
  return offlineAfterMs * FORGET_AFTER_OFFLINE_WINDOWS;
}
