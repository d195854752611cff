import { hashClientSecret } from './oauth-client-credentials';

/**
 * The `Authorization: Basic` header with the secret replaced by its hash (RFC 6749 §2.3.1:
 * id and secret are form-encoded, then joined by a colon and base64-encoded). Anything
 * else is returned unchanged, for the server to refuse.
 */
export function hashBasicSecret(header: string | undefined): string | undefined {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match) return header;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return header;
  let secret: string;
  try {
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, '%20'));
  } catch {
    return header;
  }
  const id = decoded.slice(0, colon);
  return `Basic ${Buffer.from(`${id}:${hashClientSecret(secret)}`, 'utf8').toString('base64')}`;
}

/** A token endpoint's form with `client_secret` replaced by its hash. */
export function hashFormSecret(params: URLSearchParams): void {
  const secret = params.get('client_secret');
  if (secret !== null) params.set('client_secret', hashClientSecret(secret));
}
