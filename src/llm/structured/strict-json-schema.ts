import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A schema as each structured channel sends it, derived once per Zod schema. */
export interface DerivedSchema {
  /** The schema as Zod describes its input (what the prompt-only channel prints). */
  plain: JsonSchema;
  /**
   * The strict form: every property required, no additional properties, optional
   * properties nullable, and only the keywords strict decoders accept.
   */
  strict: JsonSchema;
}

const derived = new WeakMap<z.ZodType, DerivedSchema>();

/** The plain and strict JSON schemas of a Zod schema, computed on first use and cached. */
export function deriveSchemas(schema: z.ZodType): DerivedSchema {
  let found = derived.get(schema);
  if (!found) {
    const { $schema: _dialect, ...plain } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
    found = { plain, strict: toStrict(plain) };
    derived.set(schema, found);
  }
  return found;
}

/**
 * Keywords OpenAI's strict mode (and the guided decoders that follow it) accept; length
 * limits and defaults are left out and still checked by Zod after the reply.
 */
const STRICT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  'description',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  '$defs',
  '$ref',
]);

export function toStrict(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (!STRICT_KEYWORDS.has(keyword)) continue;
    if (keyword === 'properties' || keyword === '$defs') {
      out[keyword] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, sub]) => [
          name,
          toStrict(sub),
        ]),
      );
    } else if (keyword === 'items' && isSchema(value)) out.items = toStrict(value);
    else if (keyword === 'anyOf') out.anyOf = (value as JsonSchema[]).map(toStrict);
    else out[keyword] = value;
  }
  if (isObjectSchema(schema)) {
    const properties = (out.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const name of Object.keys(properties))
      if (!required.has(name)) properties[name] = nullable(properties[name]);
    out.properties = properties;
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

function nullable(schema: JsonSchema): JsonSchema {
  if (allowsNull(schema)) return schema;
  if (typeof schema.type === 'string' && !schema.anyOf) {
    const enumValues = schema.enum as unknown[] | undefined;
    return {
      ...schema,
      type: [schema.type, 'null'],
      ...(enumValues ? { enum: [...enumValues, null] } : {}),
    };
  }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  return { anyOf: [schema, { type: 'null' }] };
}

function allowsNull(schema: JsonSchema): boolean {
  const type = schema.type;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  return Array.isArray(schema.anyOf) && (schema.anyOf as JsonSchema[]).some(allowsNull);
}

function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || (schema.properties !== undefined && !schema.type);
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Undoes the strict form before Zod sees a reply: a null where the plain schema has an
 * optional property that does not itself allow null means "absent", so the property is
 * dropped (and Zod applies its default).
 */
export function dropAddedNulls(value: unknown, plain: JsonSchema): unknown {
  if (Array.isArray(value)) {
    const items = plain.items;
    return isSchema(items) ? value.map((v) => dropAddedNulls(v, items)) : value;
  }
  if (!isSchema(value) || !isSchema(plain.properties)) return value;
  const properties = plain.properties as Record<string, JsonSchema>;
  const required = new Set((plain.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const sub = properties[name];
    if (v === null && sub && !required.has(name) && !allowsNull(sub)) continue;
    out[name] = sub ? dropAddedNulls(v, sub) : v;
  }
  return out;
}
