import type { LlmFailure } from './llm-errors';

/** Failures that say the model server is not there at all, rather than that this call failed. */
export function isOutage(failure: LlmFailure): boolean {
  if (failure.status !== undefined) return [502, 503, 504].includes(failure.status);
  return failure.reason.startsWith('unreachable');
}

export interface ModelAvailabilityStatus {
  available: boolean;
  /** When the current outage began (ISO time), while there is one. */
  unavailable_since?: string;
  reason?: string;
}

/**
 * Whether this process can reach its model server. A call that meets an outage (connection
 * refused or reset, a 502, 503 or 504) waits for the server instead of spending its
 * retries: the outage is ours to ride out, not a reason to fail a goal that has already
 * paid for its earlier calls. The first failure of an outage and the recovery are each
 * reported once, not once per waiting call.
 */
export class ModelAvailability {
  private downSince: number | undefined;
  private reason: string | undefined;

  constructor(private readonly report: (message: string) => void) {}

  /** Records a failed call; true while the outage is younger than `maxMs`. */
  outage(failure: LlmFailure, maxMs: number, now = Date.now()): boolean {
    if (this.downSince === undefined) {
      this.downSince = now;
      this.report(
        `the model server is unavailable (${failure.reason}); calls wait up to ${Math.round(maxMs / 1000)} s for it`,
      );
    }
    this.reason = failure.reason;
    return now - this.downSince < maxMs;
  }

  /** Records a call that reached the server. */
  reached(now = Date.now()): void {
    if (this.downSince === undefined) return;
    this.report(`the model server is available again after ${now - this.downSince} ms`);
    this.downSince = undefined;
    this.reason = undefined;
  }

  get status(): ModelAvailabilityStatus {
    if (this.downSince === undefined) return { available: true };
    return {
      available: false,
      unavailable_since: new Date(this.downSince).toISOString(),
      reason: this.reason,
    };
  }
}
