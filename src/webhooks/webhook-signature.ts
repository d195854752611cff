import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The prefix of every signing secret; the rest is 32 random bytes in base64. */
const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** `sha256=<hex>` of HMAC-SHA256 keyed by the whole secret over `{timestamp}.{body}`. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Standard Webhooks: `v1,<base64>` of HMAC-SHA256 keyed by the secret's base64 part,
 * over `{id}.{timestamp}.{body}`.
 */
export function standardSignatureOf(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(6) : secret, 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The headers that sign one attempt; during a rotation each carries both secrets' values. */
export function signingHeaders(input: {
  secrets: readonly string[];
  deliveryId: string;
  timestamp: number;
  body: string;
  standard: boolean;
}): Record<string, string> {
  const { secrets, deliveryId, timestamp, body } = input;
  const headers: Record<string, string> = {
    'x-webhook-timestamp': String(timestamp),
    'x-webhook-signature': secrets.map((s) => signatureOf(s, timestamp, body)).join(','),
    'x-webhook-delivery-id': deliveryId,
  };
  if (input.standard) {
    headers['webhook-id'] = deliveryId;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = secrets
      .map((s) => standardSignatureOf(s, deliveryId, timestamp, body))
      .join(' ');
  }
  return headers;
}

/**
 * What a receiver runs: true when the timestamp is within `toleranceSeconds` of now and one
 * of the header's comma-separated `sha256=` values is the body's signature under `secret`.
 */
export function verifyWebhookSignature(
  body: string,
  signatureHeader: string,
  timestamp: string | number,
  secret: string,
  toleranceSeconds = 300,
  nowMs = Date.now(),
): boolean {
  const ts = Number(timestamp);
  if (!Number.isSafeInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, ts, body));
  return signatureHeader.split(',').some((value) => {
    const provided = Buffer.from(value.trim());
    return provided.length === expected.length && timingSafeEqual(provided, expected);
  });
}
