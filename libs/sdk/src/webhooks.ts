import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookVerification {
  /** The request body exactly as received (bytes or text), before any JSON parsing. */
  payload: string | Uint8Array;
  /** The X-Webhook-Signature header: one or more comma-separated `sha256=<hex>` values. */
  signature: string | null | undefined;
  /** The X-Webhook-Timestamp header (Unix seconds). */
  timestamp: string | number | null | undefined;
  /** The endpoint's signing secret, or several while one is being rotated. */
  secrets: string | readonly string[];
  /** How far the timestamp may be from now (default 300 s), against replays. */
  toleranceSeconds?: number;
  nowMs?: number;
}

/**
 * True when a delivery is ours: its timestamp is recent and one of its signatures is the
 * HMAC-SHA256 of `{timestamp}.{payload}` under one of the secrets (compared in constant time).
 */
export function verifyWebhookSignature(input: WebhookVerification): boolean {
  const timestamp = Number(input.timestamp);
  const tolerance = input.toleranceSeconds ?? 300;
  const now = (input.nowMs ?? Date.now()) / 1000;
  if (!Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > tolerance) return false;
  if (!input.signature) return false;
  const payload =
    typeof input.payload === 'string' ? input.payload : Buffer.from(input.payload).toString('utf8');
  const provided = input.signature.split(',').map((value) => Buffer.from(value.trim()));
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  return secrets.some((secret) => {
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`,
    );
    return provided.some(
      (value) => value.length === expected.length && timingSafeEqual(value, expected),
    );
  });
}
