import { z } from 'zod';

/** Extracts the JSON object from a model reply (tolerates code fences and prose around it). */
export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidate = (fenced ? fenced[1] : text).trim();
  try {
    return JSON.parse(candidate);
  } catch {
    const start = candidate.indexOf('{');
    const end = candidate.lastIndexOf('}');
    if (start >= 0 && end > start) return JSON.parse(candidate.slice(start, end + 1));
    throw new SyntaxError('the reply contains no JSON object');
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseStructured<T>(schema: z.ZodType<T>, text: string): ParseResult<T> {
  let data: unknown;
  try {
    data = extractJson(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  return validateStructured(schema, data);
}

/** Zod validation of a parsed reply, with every issue named by its path. */
export function validateStructured<T>(schema: z.ZodType<T>, data: unknown): ParseResult<T> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: issues.join('; ') };
}

export function schemaInstruction(jsonSchema: Record<string, unknown>): string {
  return `Reply with one JSON object only, no prose, matching this JSON schema:\n${JSON.stringify(jsonSchema)}`;
}
