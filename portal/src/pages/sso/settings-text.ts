/**
 * A provider's settings as lines of `name = value` (what an administrator copies from the
 * identity provider's console). Values `true`/`false` and JSON lists keep their type.
 */
export function parseSettings(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0) continue;
    const name = line.slice(0, at).trim();
    const raw = line.slice(at + 1).trim();
    if (!name) continue;
    out[name] = typedValue(raw);
  }
  return out;
}

function typedValue(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw.startsWith('[')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The reverse, for editing: one `name = value` line per setting. */
export function settingsText(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
