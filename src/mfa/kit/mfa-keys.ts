import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveSubKey, parseMasterKey, SealedBox } from '#common';

const KEY_BYTES = 32;
const HKDF_SALT = 'agent-village/mfa';

export const MFA_KEY_LABELS = {
  encryption: 'mfa/secret-encryption/v1',
  codeHash: 'mfa/code-hash/v1',
  signing: 'mfa/signing/v1',
} as const;

export type MfaKeyUse = keyof typeof MFA_KEY_LABELS;

const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** Reads the 32-byte master key from 64 hex characters or base64 / base64url. */
export function parseMfaMasterKey(raw: string): Buffer {
  return parseMasterKey(raw, 'The MFA master key');
}

export function deriveMfaSubKey(masterKey: Buffer, use: MfaKeyUse): Buffer {
  return deriveSubKey(masterKey, HKDF_SALT, MFA_KEY_LABELS[use]);
}

/**
 * The keys MFA keeps its secrets with: one master key, and a separate key derived for
 * each use so that a value made for one use is never accepted by another.
 */
export class MfaKeys {
  private readonly sealing: SealedBox;
  private readonly codeHashKey: Buffer;
  private readonly signingKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error('The MFA master key must be 32 bytes');
    this.sealing = new SealedBox(deriveMfaSubKey(masterKey, 'encryption'));
    this.codeHashKey = deriveMfaSubKey(masterKey, 'codeHash');
    this.signingKey = deriveMfaSubKey(masterKey, 'signing');
  }

  /** AES-256-GCM as `v1.<iv>.<ciphertext>.<tag>`, each part base64url. */
  encrypt(plaintext: string): string {
    return this.sealing.seal(plaintext);
  }

  /** Throws when the value is malformed, altered, or sealed under another key. */
  decrypt(sealed: string): string {
    return this.sealing.open(sealed);
  }

  /** What is stored instead of a backup, SMS or email code: HMAC-SHA256 hex of `purpose:code`. */
  hashCode(purpose: string, code: string): string {
    return createHmac('sha256', this.codeHashKey).update(`${purpose}:${code}`).digest('hex');
  }

  sign(value: string): string {
    return `${value}.${this.signature(value).toString('base64url')}`;
  }

  /** The signed value, or undefined when the signature is missing, malformed or wrong. */
  verifySigned(signed: string): string | undefined {
    const dot = signed.lastIndexOf('.');
    if (dot < 0) return undefined;
    const value = signed.slice(0, dot);
    const given = signed.slice(dot + 1);
    if (!SIGNATURE.test(given)) return undefined;
    return timingSafeEqual(Buffer.from(given, 'base64url'), this.signature(value))
      ? value
      : undefined;
  }

  private signature(value: string): Buffer {
    return createHmac('sha256', this.signingKey).update(value).digest();
  }
}
