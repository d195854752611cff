import { z } from 'zod';
import { extractJson, parseStructured } from './structured-output';
import { classifyLlmError, parseRetryAfter } from './llm-errors';

describe('structured output parsing', () => {
  const schema = z.object({ passed: z.boolean(), score: z.number().min(0).max(1) });

  it('accepts fenced JSON with prose around it', () => {
    expect(extractJson('Here:\n```json\n{"a":1}\n```')).toEqual({ a: 1 });
    expect(parseStructured(schema, 'ok {"passed":true,"score":0.9} done')).toEqual({
      ok: true,
      value: { passed: true, score: 0.9 },
    });
  });

  it('names the field that fails validation', () => {
    const result = parseStructured(schema, '{"passed":"yes","score":2}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/passed: .*; score: /);
  });

  it('reports malformed JSON', () => {
    const result = parseStructured(schema, '{"passed": tru');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('not valid JSON') });
  });
});

describe('LLM error classification', () => {
  it('retries 429 and 5xx, honouring Retry-After', () => {
    const failure = classifyLlmError(
      Object.assign(new Error('429 rate limited'), {
        status: 429,
        headers: new Headers({ 'retry-after': '2' }),
      }),
    );
    expect(failure).toMatchObject({ retryable: true, status: 429, retryAfterMs: 2000 });
    expect(classifyLlmError(Object.assign(new Error('boom'), { status: 503 })).retryable).toBe(
      true,
    );
  });

  it('does not retry other client errors', () => {
    expect(classifyLlmError(Object.assign(new Error('bad'), { status: 400 })).retryable).toBe(
      false,
    );
  });

  it('treats refused connections as retryable and says so', () => {
    const error = Object.assign(new Error('Connection error.'), {
      cause: { code: 'ECONNREFUSED' },
    });
    expect(classifyLlmError(error)).toMatchObject({
      retryable: true,
      reason: expect.stringContaining('unreachable (ECONNREFUSED)'),
    });
  });

  it('parses Retry-After dates', () => {
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });
});
