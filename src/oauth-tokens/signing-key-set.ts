import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';

/** The algorithms tokens are signed with; nothing else is accepted. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface PrivateSigningJwk extends JsonWebKey {
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export type PublicSigningJwk = PrivateSigningJwk;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A new key pair for `alg` as a private JWK with a random kid. */
export function generateSigningJwk(alg: SigningAlgorithm): PrivateSigningJwk {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg, use: 'sig' };
}

/** The public half of a JWK: what JWKS publishes. */
export function publicPart(jwk: PrivateSigningJwk): PublicSigningJwk {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as unknown as PublicSigningJwk;
}

export interface StoredKey {
  kid: string;
  purpose: string;
  alg: string;
  retired: boolean;
  secret: string;
}

/**
 * The keys in the order the authorization server uses them: for each algorithm the newest
 * key still signing comes first (oidc-provider signs with the first key of an algorithm),
 * then the retired ones that stay published so tokens they signed still verify.
 */
export function orderForSigning(keys: readonly StoredKey[]): PrivateSigningJwk[] {
  const signing = keys.filter((k) => k.purpose === 'signing');
  const ordered = [...signing.filter((k) => !k.retired), ...signing.filter((k) => k.retired)];
  return ordered.map((k) => JSON.parse(k.secret) as PrivateSigningJwk);
}
