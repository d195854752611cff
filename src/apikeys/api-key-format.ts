import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PATTERN } from '../common/api-key-pattern';

export { API_KEY_PATTERN };

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

export function parseApiKey(value: string): ParsedApiKey | null {
  const match = API_KEY_PATTERN.exec(value);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('ak_');
}

export interface GeneratedApiKey extends ParsedApiKey {
  plaintext: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, plaintext: `ak_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function fromPlaintext(plaintext: string): GeneratedApiKey | null {
  const parsed = parseApiKey(plaintext);
  return parsed ? { ...parsed, plaintext, secretHash: hashSecret(parsed.secret) } : null;
}

/** SHA-256 of the secret, hex. Only this is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A hash no secret produces, compared against when the key id is unknown (same work either way). */
const DUMMY_HASH = hashSecret(randomBytes(32).toString('base64url'));

/** Constant-time check of a secret against a stored hex hash (or the dummy when there is none). */
export function secretMatches(secret: string, storedHash: string | undefined): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  if (stored.length !== given.length) return timingSafeEqual(given, given) && false;
  return timingSafeEqual(given, stored) && storedHash !== undefined;
}

/** What a listing may show of a key: prefix with the id, never the secret. */
export function displayPrefix(keyId: string): string {
  return `ak_${keyId}_`;
}
