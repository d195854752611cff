/**
 * A small JSON Schema toolkit for the scripted LLM server: an instance generator (what a
 * server with guided decoding could answer) and a validator (a scripted answer must fit
 * the schema the request sent). It covers what structured-output schemas use: objects,
 * arrays, enums, const, strings, numbers, integers, booleans, null, type lists, anyOf,
 * required, additionalProperties, minItems/maxItems, minimum/maximum, local $refs.
 */
export type JsonSchema = Record<string, unknown>;

export interface InstanceOptions {
  /** Items per array, clamped to its minItems/maxItems. Default: minItems (or 0). */
  arrayLength?: (path: string) => number | undefined;
  /** Value of a string at `path` ("tasks.0.key"). Default: "<property> <n>". */
  string?: (path: string) => string | undefined;
}

export function generateInstance(schema: JsonSchema, options: InstanceOptions = {}): unknown {
  return generate(schema, schema, '', options);
}

function generate(schema: JsonSchema, root: JsonSchema, path: string, o: InstanceOptions): unknown {
  if (typeof schema.$ref === 'string') return generate(resolve(root, schema.$ref), root, path, o);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null) ?? null;
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as JsonSchema[];
    return generate(options.find((s) => s.type !== 'null') ?? options[0], root, path, o);
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(properties))
        out[name] = generate(sub, root, path ? `${path}.${name}` : name, o);
      return out;
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      const max = Number(schema.maxItems ?? Infinity);
      const wanted = o.arrayLength?.(path) ?? min;
      const length = Math.max(min, Math.min(max, wanted));
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length }, (_, i) => generate(items, root, `${path}.${i}`, o));
    }
    case 'string':
      return (
        o.string?.(path) ??
        `${
          path
            .split('.')
            .filter((p) => !/^\d+$/.test(p))
            .pop() ?? 'text'
        } ${path.replace(/\D+/g, '') || 1}`
      );
    case 'integer':
    case 'number': {
      const min = Number(schema.minimum ?? schema.exclusiveMinimum ?? 0);
      const max = Number(schema.maximum ?? schema.exclusiveMaximum ?? Math.max(min, 1));
      return type === 'integer' ? Math.ceil(max) : max;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** What in `value` does not fit `schema`, one line per problem (empty when it fits). */
export function schemaViolations(schema: JsonSchema, value: unknown): string[] {
  const problems: string[] = [];
  check(schema, schema, value, '(root)', problems);
  return problems;
}

function check(
  schema: JsonSchema,
  root: JsonSchema,
  value: unknown,
  path: string,
  out: string[],
): void {
  if (typeof schema.$ref === 'string')
    return check(resolve(root, schema.$ref), root, value, path, out);
  if ('const' in schema && value !== schema.const)
    out.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    out.push(`${path}: must be one of ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(schema.anyOf)) {
    const fits = (schema.anyOf as JsonSchema[]).some(
      (s) => schemaViolations({ ...s, $defs: root.$defs }, value).length === 0,
    );
    if (!fits) out.push(`${path}: matches none of anyOf`);
  }
  if (schema.type === undefined) return;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const actual = typeOf(value);
  if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
    out.push(`${path}: must be ${types.join(' or ')}, got ${actual}`);
    return;
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (!(name in object)) out.push(`${path}.${name}: is required`);
    for (const [name, v] of Object.entries(object)) {
      if (properties[name]) check(properties[name], root, v, `${path}.${name}`, out);
      else if (schema.additionalProperties === false) out.push(`${path}.${name}: is not allowed`);
    }
  }
  if (actual === 'array') {
    const array = value as unknown[];
    if (schema.minItems !== undefined && array.length < Number(schema.minItems))
      out.push(`${path}: needs at least ${String(schema.minItems)} items`);
    if (schema.maxItems !== undefined && array.length > Number(schema.maxItems))
      out.push(`${path}: allows at most ${String(schema.maxItems)} items`);
    if (schema.items && typeof schema.items === 'object')
      array.forEach((v, i) => check(schema.items as JsonSchema, root, v, `${path}.${i}`, out));
  }
  if (actual === 'number' || actual === 'integer') {
    const n = value as number;
    if (schema.minimum !== undefined && n < Number(schema.minimum))
      out.push(`${path}: below minimum`);
    if (schema.maximum !== undefined && n > Number(schema.maximum))
      out.push(`${path}: above maximum`);
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function resolve(root: JsonSchema, ref: string): JsonSchema {
  const parts = ref.replace(/^#\/?/, '').split('/').filter(Boolean);
  let node: unknown = root;
  for (const part of parts) node = (node as Record<string, unknown>)?.[part];
  if (!node || typeof node !== 'object') throw new Error(`unresolvable $ref ${ref}`);
  return node as JsonSchema;
}
