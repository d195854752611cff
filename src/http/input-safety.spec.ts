import { exceedsJsonDepth, findUnsafeText, unsafeTextReason } from './input-safety';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(exceedsJsonDepth('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(exceedsJsonDepth('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
  });

  it('scans UTF-8 bytes and strings alike, 100,000 levels without a stack overflow', () => {
    const deep = nested(100_000);
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth(Buffer.from(deep), 64)).toBe(true);
    expect(exceedsJsonDepth(Buffer.from(`{"ü€😀":${nested(64)}}`), 65)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from(`{"ü€😀":${nested(64)}}`), 64)).toBe(true);
  });
});

describe('unsafeTextReason', () => {
  it('accepts ordinary text, including paired surrogates (emoji)', () => {
    expect(unsafeTextReason('plain, ünïcödé and 😀')).toBeUndefined();
  });

  it('refuses NUL and unpaired surrogates, high or low, anywhere', () => {
    expect(unsafeTextReason('a\u0000b')).toBe('must not contain NUL characters');
    expect(unsafeTextReason('\ud800')).toBe('must not contain unpaired UTF-16 surrogates');
    expect(unsafeTextReason('x\ud800y')).toMatch(/surrogates/);
    expect(unsafeTextReason('\udc00x')).toMatch(/surrogates/);
    expect(unsafeTextReason('😀'.slice(1))).toMatch(/surrogates/);
  });
});

describe('findUnsafeText', () => {
  it('names the field by its path, inside objects and arrays', () => {
    expect(findUnsafeText({ goal: 'ok', metadata: { tags: ['a', 'b\u0000'] } })).toEqual({
      field: 'metadata.tags[1]',
      message: 'must not contain NUL characters',
    });
    expect(findUnsafeText([{ name: '\ud800' }], '', 'data')).toEqual({
      field: '[0].name',
      message: 'must not contain unpaired UTF-16 surrogates',
    });
  });

  it('checks object keys, naming the object that holds them', () => {
    expect(findUnsafeText({ metadata: { 'k\u0000': 1 } })).toEqual({
      field: 'metadata',
      message: 'keys must not contain NUL characters',
    });
    expect(findUnsafeText({ '\udfff': 1 }, '', 'query string')?.field).toBe('query string');
  });

  it('refuses the keys object mapping would drop, naming them, and passes look-alikes', () => {
    expect(findUnsafeText(JSON.parse('{"metadata": {"__proto__": {"admin": true}}}'))).toEqual({
      field: 'metadata.__proto__',
      message: 'is a reserved name: __proto__, constructor and prototype are not keys',
    });
    expect(findUnsafeText({ list: [{ constructor: 'x' }] })?.field).toBe('list[0].constructor');
    expect(findUnsafeText({ prototype: 1 }, '', 'query string')?.field).toBe('prototype');
    expect(findUnsafeText({ Constructor: 1, proto: 2, __proto: 3 })).toBeUndefined();
  });

  it('names the whole value when it is the bad string, and passes clean input', () => {
    expect(findUnsafeText('\u0000', '', 'data')?.field).toBe('data');
    expect(findUnsafeText('\u0000', 'name', 'path')?.field).toBe('name');
    expect(findUnsafeText({ a: [1, true, null, { b: 'fine 😀' }] })).toBeUndefined();
  });

  it('names a number JSON could only read as Infinity, which storing would turn into null', () => {
    expect(findUnsafeText(JSON.parse('{"metadata":{"n":[1,-1e400]}}'))).toEqual({
      field: 'metadata.n[1]',
      message: 'must be a number between -1.7976931348623157e308 and 1.7976931348623157e308',
    });
    expect(findUnsafeText(JSON.parse('1e400'), '', 'data')?.field).toBe('data');
    expect(findUnsafeText({ big: 1.7976931348623157e308, small: -5e-324 })).toBeUndefined();
  });

  it('walks 100,000 levels without a stack overflow', () => {
    let value: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(findUnsafeText(value)?.message).toBe('must not contain NUL characters');
  });
});
