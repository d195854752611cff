import { createHmac } from 'node:crypto';
import {
  newWebhookSecret,
  signatureOf,
  signingHeaders,
  standardSignatureOf,
  verifyWebhookSignature,
} from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"event_id":"evt_1","event_type":"goal.completed"}';

  it('signs {timestamp}.{body} with the whole secret, as the published verify function expects', () => {
    const expected = createHmac('sha256', secret).update(`1705316400.${body}`).digest('hex');
    expect(signatureOf(secret, 1705316400, body)).toBe(`sha256=${expected}`);
  });

  it('verifies within the tolerance only, and with either secret during a rotation', () => {
    const now = 1_705_316_400_000;
    const ts = now / 1000;
    const header = signingHeaders({
      secrets: [secret, 'whsec_old'],
      deliveryId: 'd1',
      timestamp: ts,
      body,
      standard: false,
    })['x-webhook-signature'];
    expect(header.split(',')).toHaveLength(2);
    expect(verifyWebhookSignature(body, header, ts, secret, 300, now)).toBe(true);
    expect(verifyWebhookSignature(body, header, ts, 'whsec_old', 300, now)).toBe(true);
    expect(verifyWebhookSignature(body, header, ts, 'whsec_other', 300, now)).toBe(false);
    expect(verifyWebhookSignature(body + ' ', header, ts, secret, 300, now)).toBe(false);
    expect(verifyWebhookSignature(body, header, ts, secret, 300, now + 301_000)).toBe(false);
    expect(verifyWebhookSignature(body, header, 'x', secret, 300, now)).toBe(false);
  });

  it('adds the Standard Webhooks headers keyed by the decoded secret when asked', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signingHeaders({
      secrets: [s],
      deliveryId: 'msg_1',
      timestamp: 10,
      body,
      standard: true,
    });
    const key = Buffer.from(s.slice(6), 'base64');
    const mac = createHmac('sha256', key).update(`msg_1.10.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${mac}`);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(standardSignatureOf(s, 'msg_1', 10, body)).toBe(`v1,${mac}`);
  });
});
