import { FieldError, ValidationFailed } from '#common';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`, found by one flat pass
 * over the text (no recursion, no parse), so it is safe on any input, however deep. Works on
 * UTF-8 bytes (multi-byte sequences never contain ASCII bytes) and on JS strings alike.
 */
export function exceedsJsonDepth(text: Uint8Array | string, maxDepth: number): boolean {
  const at: (i: number) => number =
    typeof text === 'string' ? (i) => text.charCodeAt(i) : (i) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const NOT_FINITE = 'must be a number between -1.7976931348623157e308 and 1.7976931348623157e308';

/** What is wrong with a string, if anything the database or a JSON encoder would refuse. */
export function unsafeTextReason(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'must not contain NUL characters';
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else return 'must not contain unpaired UTF-16 surrogates';
    }
  }
  return undefined;
}

/**
 * Keys the validation pipe's object mapping drops without a word (they would reach an
 * object's prototype): refused, so a field is never silently lost.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first string (value or object key) anywhere in `value` that holds a NUL character or
 * a lone UTF-16 surrogate, or a reserved key, or the first number JSON.parse could only read
 * as ±Infinity (`1e400`: stored, it would silently become null), named by its path below
 * `prefix` (`metadata.tags[2]`; `whole` when the value itself is the bad one). Walks with an
 * explicit stack, so no input can overflow the call stack.
 */
export function findUnsafeText(
  value: unknown,
  prefix = '',
  whole = 'body',
): FieldError | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: prefix }];
  while (stack.length) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const message = unsafeTextReason(current);
      if (message) return { field: path || whole, message };
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { field: path || whole, message: NOT_FINITE };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], path: `${path}[${i}]` });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const keyProblem = unsafeTextReason(key);
        if (keyProblem) return { field: path || whole, message: `keys ${keyProblem}` };
        if (RESERVED_KEYS.has(key))
          return {
            field: path ? `${path}.${key}` : key,
            message: 'is a reserved name: __proto__, constructor and prototype are not keys',
          };
        stack.push({
          value: (current as Record<string, unknown>)[key],
          path: path ? `${path}.${key}` : key,
        });
      }
    }
  }
  return undefined;
}

/** 400 for JSON nested deeper than the limit, before anything recurses on it. */
export function jsonTooDeep(field: string, maxDepth: number): ValidationFailed {
  return new ValidationFailed(
    [{ field, message: `must not nest objects and arrays deeper than ${maxDepth} levels` }],
    `The JSON ${field} nests objects and arrays deeper than ${maxDepth} levels.`,
  );
}

/** 400 naming the field whose text the product refuses. */
export function unsafeText(error: FieldError): ValidationFailed {
  return new ValidationFailed([error]);
}
