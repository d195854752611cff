/**
 * The envelope of a message one process relays to the others over Redis pub/sub:
 * `{v: 1, origin, <field>: payload}`, where origin is the sending process (so it can skip
 * its own) and the payload an object the caller checks further.
 */
export function encodeRelayed(origin: string, field: string, payload: object): string {
  return JSON.stringify({ v: 1, origin, [field]: payload });
}

/** The origin and payload of a relayed message; null for anything not shaped like one. */
export function decodeRelayed(
  raw: string,
  field: string,
): { origin: string; payload: Record<string, unknown> } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const message = parsed as Record<string, unknown>;
  const payload = message[field];
  if (message.v !== 1 || typeof message.origin !== 'string') return null;
  if (!payload || typeof payload !== 'object') return null;
  return { origin: message.origin, payload: payload as Record<string, unknown> };
}
