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
  const header = String(input.timestamp ?? '').trim();
  // signed as sent: digits only, so no other spelling of the same number verifies
  if (!/^\d{1,15}$/.test(header)) return false;
  const tolerance = input.toleranceSeconds ?? 300;
  const now = (input.nowMs ?? Date.now()) / 1000;
  if (Math.abs(now - Number(header)) > tolerance) return false;
  if (!input.signature) return false;
  // the bytes as received: a body that is not valid UTF-8 is signed as it is, not re-encoded
  const payload =
    typeof input.payload === 'string' ? Buffer.from(input.payload, 'utf8') : input.payload;
  const provided = input.signature.split(',').map((value) => Buffer.from(value.trim()));
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  return secrets.some((secret) => {
    const digest = createHmac('sha256', secret).update(`${header}.`).update(payload).digest('hex');
    const expected = Buffer.from(`sha256=${digest}`);
    return provided.some(
      (value) => value.length === expected.length && timingSafeEqual(value, expected),
    );
  });
}
