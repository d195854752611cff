/** Deeper than any payload the product emits; beyond it values are left out. */
const MAX_DEPTH = 32;

/**
 * A deep copy of plain data, frozen at every level, so a handler can neither change the
 * product's objects nor its own view of them. Functions and symbols are left out; other
 * objects (dates, class instances) are copied as their enumerable own fields.
 */
export function frozenCopy<T>(value: T): T {
  return copy(value, 0, true) as T;
}

/** The same deep copy, not frozen: what the product keeps of a handler's patch. */
export function plainCopy<T>(value: T): T {
  return copy(value, 0, false) as T;
}

function copy(value: unknown, depth: number, freeze: boolean): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (depth >= MAX_DEPTH) return undefined;
  if (value instanceof Date) return value.toISOString();
  let result: unknown;
  if (Array.isArray(value)) {
    result = value.map((item) => copy(item, depth + 1, freeze));
  } else {
    const fields: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const copied = copy(field, depth + 1, freeze);
      if (copied !== undefined) fields[key] = copied;
    }
    result = fields;
  }
  return freeze ? Object.freeze(result) : result;
}
