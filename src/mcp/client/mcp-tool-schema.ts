import { z } from 'zod';

/** Arguments of a tool whose schema cannot be read: any object; the server still checks. */
const ANY_OBJECT = z.looseObject({});

const MAX_SCHEMA_CHARS = 100_000;

/**
 * A zod schema of an MCP tool's `inputSchema` (JSON Schema), so arguments are validated
 * before the safety gate as a built-in tool's are. Draft-07 `definitions` are read as
 * `$defs`. A schema zod cannot read, one that is not of an object, or a huge one falls
 * back to any object.
 */
export function argumentsSchema(inputSchema: unknown): {
  schema: z.ZodType<Record<string, unknown>>;
  exact: boolean;
} {
  if (!isObject(inputSchema)) return { schema: ANY_OBJECT, exact: false };
  if (JSON.stringify(inputSchema).length > MAX_SCHEMA_CHARS)
    return { schema: ANY_OBJECT, exact: false };
  const { $schema: _ignored, definitions, ...rest } = inputSchema;
  const normalized = isObject(definitions)
    ? rewriteRefs({
        ...rest,
        $defs: { ...definitions, ...(isObject(rest.$defs) ? rest.$defs : {}) },
      })
    : rest;
  if (normalized.type !== undefined && normalized.type !== 'object')
    return { schema: ANY_OBJECT, exact: false };
  try {
    const schema = z.fromJSONSchema({ type: 'object', ...normalized });
    if (!isObjectSchema(schema)) return { schema: ANY_OBJECT, exact: false };
    return { schema: schema as z.ZodType<Record<string, unknown>>, exact: true };
  } catch {
    return { schema: ANY_OBJECT, exact: false };
  }
}

function isObjectSchema(schema: z.ZodType): boolean {
  try {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return (json as { type?: unknown }).type === 'object';
  } catch {
    return false;
  }
}

function rewriteRefs(value: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(value).replace(/"#\/definitions\//g, '"#/$defs/');
  return JSON.parse(text) as Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
