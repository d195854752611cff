import type { AccessSignal } from '../common/access-invalidation';
import { decodeRelayed, encodeRelayed } from './relayed-message';

export function encodeAccessSignal(origin: string, signal: AccessSignal): string {
  return encodeRelayed(origin, 'signal', signal);
}

/** Parses a relayed signal; anything not shaped like one answers null. */
export function decodeAccessSignal(raw: string): { origin: string; signal: AccessSignal } | null {
  const relayed = decodeRelayed(raw, 'signal');
  if (!relayed) return null;
  const { origin, payload: s } = relayed;
  const isText = (value: unknown) => typeof value === 'string' && value.length > 0;
  if (s.kind === 'user' && isText(s.tenantId) && isText(s.userId))
    return {
      origin,
      signal: { kind: 'user', tenantId: String(s.tenantId), userId: String(s.userId) },
    };
  if (s.kind === 'tenant' && isText(s.tenantId))
    return { origin, signal: { kind: 'tenant', tenantId: String(s.tenantId) } };
  if (s.kind === 'key' && isText(s.keyId))
    return { origin, signal: { kind: 'key', keyId: String(s.keyId) } };
  if (s.kind === 'oauth-client' && isText(s.clientId))
    return { origin, signal: { kind: 'oauth-client', clientId: String(s.clientId) } };
  return null;
}
