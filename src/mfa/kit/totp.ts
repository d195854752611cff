import { randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSync } from '@otplib/totp';
import { base32Encode } from './base32';
import { nodeOtpCrypto, otpBase32 } from './otp-node-crypto';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20;

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export type TotpVerification =
  { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

export function newTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/** Every parameter spelled out, defaults too, so all authenticator apps read the same settings. */
export function totpProvisioningUri(o: {
  secret: string;
  accountName: string;
  issuer: string;
}): string {
  const label = `${encodeURIComponent(o.issuer)}:${encodeURIComponent(o.accountName)}`;
  const query = [
    `secret=${encodeURIComponent(o.secret)}`,
    `issuer=${encodeURIComponent(o.issuer)}`,
    'algorithm=SHA1',
    `digits=${DIGITS}`,
    `period=${PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD_SECONDS);
}

export function totpCode(
  secret: string,
  atMs: number,
  o: { digits?: 6 | 8; algorithm?: TotpAlgorithm } = {},
): string {
  return generateSync({
    secret,
    crypto: nodeOtpCrypto,
    base32: otpBase32,
    epoch: Math.floor(atMs / 1000),
    period: PERIOD_SECONDS,
    digits: o.digits ?? DIGITS,
    algorithm: o.algorithm ?? 'sha1',
  });
}

/**
 * Accepts the code of the current step or of one step either side (clock drift), but
 * never a step at or before the last one used, so a seen code cannot be played again.
 */
export function verifyTotp(
  secret: string,
  code: string,
  o: { nowMs: number; lastUsedStep: number | null },
): TotpVerification {
  const given = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(given)) return { ok: false, reason: 'invalid' };
  const current = totpStep(o.nowMs);
  const matched = [current, current - 1, current + 1].filter((step) =>
    timingSafeEqual(
      Buffer.from(totpCode(secret, step * PERIOD_SECONDS * 1000)),
      Buffer.from(given),
    ),
  );
  const fresh = matched.find((step) => o.lastUsedStep === null || step > o.lastUsedStep);
  if (fresh !== undefined) return { ok: true, step: fresh };
  return { ok: false, reason: matched.length > 0 ? 'replayed' : 'invalid' };
}
