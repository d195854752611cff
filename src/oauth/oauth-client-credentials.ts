import { createHash, randomBytes } from 'node:crypto';

export const CLIENT_ID_PATTERN = /^avc_[A-Za-z0-9_-]{22}$/;

/** A new client id: `avc_` and 128 random bits. */
export function generateClientId(): string {
  return `avc_${randomBytes(16).toString('base64url')}`;
}

/** A new client secret (`avcs_` and 256 random bits) and the hash that is stored instead. */
export function generateClientSecret(): { secret: string; secretHash: string } {
  const secret = `avcs_${randomBytes(32).toString('base64url')}`;
  return { secret, secretHash: hashClientSecret(secret) };
}

/**
 * SHA-256 hex of a client secret. The authorization server is given this hash as the
 * client's secret and every presented secret is replaced by its hash before it reaches
 * the server, so the server's own constant-time comparison checks hashes and no secret is
 * ever stored.
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
