import type { AccessSignal } from '../common/access-invalidation';

export function encodeAccessSignal(origin: string, signal: AccessSignal): string {
  return JSON.stringify({ v: 1, origin, signal });
}

/** Parses a relayed signal; anything not shaped like one answers null. */
export function decodeAccessSignal(raw: string): { origin: string; signal: AccessSignal } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const { v, origin, signal } = parsed as { v?: unknown; origin?: unknown; signal?: unknown };
  if (v !== 1 || typeof origin !== 'string' || !signal || typeof signal !== 'object') return null;
  const s = signal as Record<string, unknown>;
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
  return null;
}
