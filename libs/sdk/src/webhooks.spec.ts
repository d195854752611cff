import { createHmac } from 'node:crypto';
import { verifyWebhookSignature } from './webhooks';

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const payload = '{"event_id":"evt_1","event_type":"goal.completed"}';
  const timestamp = 1705316400;
  // HMAC-SHA256 of `1705316400.{payload}` keyed by the secret, computed independently
  const signature = 'sha256=496c0a71521d860b3984ef889eda46d9511dfb066eb948e0a94d42c0391c69eb';
  const nowMs = timestamp * 1000 + 10_000;

  it('accepts a delivery signed with the secret (a known vector)', () => {
    expect(verifyWebhookSignature({ payload, signature, timestamp, secrets: secret, nowMs })).toBe(
      true,
    );
    expect(
      verifyWebhookSignature({
        payload: Buffer.from(payload),
        signature,
        timestamp: String(timestamp),
        secrets: secret,
        nowMs,
      }),
    ).toBe(true);
  });

  it('accepts either secret during a rotation, and any of several signatures', () => {
    const rotating = ['whsec_new', secret];
    expect(
      verifyWebhookSignature({ payload, signature, timestamp, secrets: rotating, nowMs }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        payload,
        signature: `sha256=${'0'.repeat(64)}, ${signature}`,
        timestamp,
        secrets: secret,
        nowMs,
      }),
    ).toBe(true);
  });

  it('refuses a changed body, another secret, a missing header and an old timestamp', () => {
    const base = { payload, signature, timestamp, secrets: secret, nowMs };
    expect(verifyWebhookSignature({ ...base, payload: payload + ' ' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, secrets: ['whsec_other'] })).toBe(false);
    expect(verifyWebhookSignature({ ...base, signature: undefined })).toBe(false);
    expect(verifyWebhookSignature({ ...base, timestamp: 'soon' })).toBe(false);
    expect(verifyWebhookSignature({ ...base, nowMs: (timestamp + 301) * 1000 })).toBe(false);
    expect(
      verifyWebhookSignature({ ...base, nowMs: (timestamp + 301) * 1000, toleranceSeconds: 600 }),
    ).toBe(true);
  });

  it('verifies the bytes as received, and only the timestamp exactly as signed', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not valid UTF-8
    const signed = createHmac('sha256', secret).update(`${timestamp}.`).update(bytes).digest('hex');
    const base = { payload: bytes, signature: `sha256=${signed}`, secrets: secret, nowMs };
    expect(verifyWebhookSignature({ ...base, timestamp })).toBe(true);
    expect(verifyWebhookSignature({ ...base, timestamp: `${timestamp}.0` })).toBe(false);
    expect(verifyWebhookSignature({ ...base, timestamp: `0${timestamp}` })).toBe(false);
  });
});
