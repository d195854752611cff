import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPrivateDir } from './private-dir';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEAL_VERSION = 'v1';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Reads a 32-byte master key written as 64 hex characters or as base64 / base64url. */
export function parseMasterKey(raw: string, what: string): Buffer {
  const text = raw.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(`${what} must be 32 bytes, written as 64 hex characters or as base64/base64url`);
}

/** A 32-byte key for one use, derived from a master key (HKDF-SHA256), so uses never mix. */
export function deriveSubKey(masterKey: Buffer, salt: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, salt, label, KEY_BYTES));
}

/** AES-256-GCM sealing of short secrets as `v1.<iv>.<ciphertext>.<tag>`, each part base64url. */
export class SealedBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('A sealing key must be 32 bytes');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(SEAL_VERSION));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [SEAL_VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value is malformed, altered, or sealed under another key. */
  open(sealed: string): string {
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
      throw new Error('Sealed value is malformed');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes);
    decipher.setAAD(Buffer.from(SEAL_VERSION));
    decipher.setAuthTag(tagBytes);
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error('Sealed value could not be decrypted');
    }
  }
}

export interface SealingKeySource {
  /** The configured master key (64 hex or base64), if any. */
  configured?: string;
  /** The setting's name, for error messages. */
  setting: string;
  /** When nothing is configured: keep a generated master key in this file (0600), or none. */
  keyFile?: string;
  salt: string;
  label: string;
}

/**
 * The sealing box for one use: from the configured master key, else from a key file the
 * process generates once (the embedded mode's no-set-up start), else none (null).
 */
export function sealingBoxFrom(source: SealingKeySource): SealedBox | null {
  let master: Buffer;
  if (source.configured) master = parseMasterKey(source.configured, source.setting);
  else if (source.keyFile) {
    if (!existsSync(source.keyFile)) {
      createPrivateDir(dirname(source.keyFile));
      writeFileSync(source.keyFile, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    }
    master = parseMasterKey(readFileSync(source.keyFile, 'utf8'), source.keyFile);
  } else return null;
  return new SealedBox(deriveSubKey(master, source.salt, source.label));
}
