const MINUTE_MS = 60_000;

/**
 * The wait before retry `retry` (1-based): 1, 2, 4, 8, 16 minutes…, times `scale`; or
 * undefined when no retry is left.
 */
export function retryDelayMs(retry: number, maxRetries: number, scale: number): number | undefined {
  if (retry > maxRetries) return undefined;
  return Math.round(2 ** (retry - 1) * MINUTE_MS * scale);
}
