import { API_KEY_PATTERN } from '../common/api-key-pattern';

export const MASK = '***';

/** Field names whose values never reach the audit log (compared without case or separators). */
const SECRET_WORDS =
  /(^|_)(pass|password|passphrase|secret|secrets|token|tokens|key|keys|authorization|cookie|code|codes|otp|signature|credential|credentials|hash|plaintext)($|_)/;

/** Values that are secrets whatever their field is called. */
const SECRET_VALUES = [
  new RegExp(API_KEY_PATTERN.source.replace(/^\^|\$$/g, '')),
  /\bavs_[A-Za-z0-9_-]{20,}/,
  /\bBearer\s+\S+/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** `newPassword`, `new-password` and `new_password` all read as `new_password`. */
const snake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]/g, '_')
    .toLowerCase();

export const isSecretName = (name: string): boolean => SECRET_WORDS.test(snake(name));

const maskString = (value: string): string =>
  SECRET_VALUES.some((pattern) => pattern.test(value)) ? MASK : value;

/**
 * A copy with every secret masked: values under secret-looking names, and strings that look
 * like keys, session tokens or private keys anywhere. Depth and size are bounded.
 */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return MASK;
  if (typeof value === 'string')
    return maskString(value.length > 2000 ? value.slice(0, 2000) : value);
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => maskSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 200))
      out[k] = isSecretName(k) ? MASK : maskSecrets(v, depth + 1);
    return out;
  }
  return value;
}

/** A change of a secret field keeps only that it changed. */
export function maskChange<C extends { field: string; old: unknown; new: unknown }>(change: C): C {
  if (isSecretName(change.field))
    return {
      ...change,
      old: change.old === undefined || change.old === null ? null : MASK,
      new: MASK,
    };
  return { ...change, old: maskSecrets(change.old), new: maskSecrets(change.new) };
}
