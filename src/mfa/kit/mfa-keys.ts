import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEAL_VERSION = 'v1';
const HKDF_SALT = 'agent-village/mfa';

export const MFA_KEY_LABELS = {
  encryption: 'mfa/secret-encryption/v1',
  codeHash: 'mfa/code-hash/v1',
  signing: 'mfa/signing/v1',
} as const;

export type MfaKeyUse = keyof typeof MFA_KEY_LABELS;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** Reads the 32-byte master key from 64 hex characters or base64 / base64url. */
export function parseMfaMasterKey(raw: string): Buffer {
  const text = raw.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(
    'The MFA master key must be 32 bytes, written as 64 hex characters or as base64/base64url',
  );
}

export function deriveMfaSubKey(masterKey: Buffer, use: MfaKeyUse): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, MFA_KEY_LABELS[use], KEY_BYTES));
}

/**
 * The keys MFA keeps its secrets with: one master key, and a separate key derived for
 * each use so that a value made for one use is never accepted by another.
 */
export class MfaKeys {
  private readonly encryptionKey: Buffer;
  private readonly codeHashKey: Buffer;
  private readonly signingKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error('The MFA master key must be 32 bytes');
    this.encryptionKey = deriveMfaSubKey(masterKey, 'encryption');
    this.codeHashKey = deriveMfaSubKey(masterKey, 'codeHash');
    this.signingKey = deriveMfaSubKey(masterKey, 'signing');
  }

  /** AES-256-GCM as `v1.<iv>.<ciphertext>.<tag>`, each part base64url. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(SEAL_VERSION));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [SEAL_VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value is malformed, altered, or sealed under another key. */
  decrypt(sealed: string): string {
    const [version, iv, ciphertext, tag, ...rest] = sealed.split('.');
    const ivBytes = Buffer.from(iv ?? '', 'base64url');
    const tagBytes = Buffer.from(tag ?? '', 'base64url');
    if (
      version !== SEAL_VERSION ||
      ciphertext === undefined ||
      rest.length > 0 ||
      ivBytes.length !== IV_BYTES ||
      tagBytes.length !== TAG_BYTES
    ) {
      throw new Error('Sealed MFA value is malformed');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, ivBytes);
    decipher.setAAD(Buffer.from(SEAL_VERSION));
    decipher.setAuthTag(tagBytes);
    try {
      const plain = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      throw new Error('Sealed MFA value could not be decrypted');
    }
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
