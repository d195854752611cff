/**
 * What a generated client needs of every route of the API document: a method name
 * (operationId, unique), a tag (its module), a typed success response, a typed request
 * body, and refusals as RFC 9457 problem+json; and no schema that leaves a value untyped
 * (no type, or an object with neither properties nor a declared open shape).
 */
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  [keyword: string]: unknown;
}

interface MediaType {
  schema?: Schema;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export interface ApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PROBLEM = 'application/problem+json';

export function openApiProblems(document: ApiDocument): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = `${method.toUpperCase()} ${path}`;
      const say = (problem: string) => problems.push(`${route}: ${problem}`);
      if (!operation.operationId) say('no operationId');
      else if (seen.has(operation.operationId))
        say(`operationId ${operation.operationId} is also ${seen.get(operation.operationId)}'s`);
      else seen.set(operation.operationId, route);
      if (!operation.tags?.length) say('no tag');
      const parameters = new Set<string>();
      for (const parameter of operation.parameters ?? []) {
        const key = `${parameter.in} ${parameter.name.toLowerCase()}`;
        if (parameters.has(key))
          say(`${parameter.in} parameter ${parameter.name} is declared twice`);
        parameters.add(key);
        untyped(parameter.schema, `parameter ${parameter.name}`).forEach(say);
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        if (!media.schema) say(`request body ${type} has no schema`);
        else untyped(media.schema, `request body ${type}`).forEach(say);
      }
      successProblems(operation).forEach(say);
      errorProblems(path, operation).forEach(say);
    }
  }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    problems.push(...untyped(schema, name).map((problem) => `schema ${problem}`));
  return problems;
}

function successProblems(operation: Operation): string[] {
  const problems: string[] = [];
  const statuses = Object.keys(operation.responses);
  for (const status of statuses.filter((s) => s.startsWith('2'))) {
    const content = Object.entries(operation.responses[status].content ?? {});
    // 202 and 204 answer without a body; every other success says what it answers
    if (!content.length && status !== '204' && status !== '202')
      problems.push(`${status} has no schema`);
    for (const [type, media] of content) {
      if (!media.schema) problems.push(`${status} ${type} has no schema`);
      else problems.push(...untyped(media.schema, `${status} ${type}`));
    }
  }
  // a browser flow answers redirects; a route kept to refuse a method answers 405 alone
  const answers = statuses.some((s) => s.startsWith('2') || s.startsWith('3') || s === '405');
  if (!answers) problems.push('no success response');
  return problems;
}

function errorProblems(path: string, operation: Operation): string[] {
  const problems: string[] = [];
  let problemJson = false;
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!/^[45]/.test(status)) continue;
    const types = Object.keys(response.content ?? {});
    if (types.includes(PROBLEM)) problemJson = true;
    // a browser flow's refusals are pages; a readiness probe's 503 is its report
    const allowed = status.startsWith('4') ? [PROBLEM, 'text/html'] : types;
    if (!types.length || types.some((type) => !allowed.includes(type)))
      problems.push(`${status} is not ${PROBLEM}`);
  }
  // liveness and readiness answer anyone, always
  if (!problemJson && !path.startsWith('/health')) problems.push('no problem+json error response');
  return problems;
}

/** Where a schema leaves a value untyped, by its path in the schema. */
function untyped(schema: Schema | undefined, where: string): string[] {
  if (!schema) return [`${where}: untyped (no schema)`];
  if (schema.$ref) return [];
  const parts = [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])];
  if (parts.length) return parts.flatMap((part, index) => untyped(part, `${where}|${index}`));
  if (!schema.type && !schema.enum) return [`${where}: untyped (no type)`];
  const problems: string[] = [];
  if (schema.type === 'object') {
    const properties = Object.entries(schema.properties ?? {});
    if (!properties.length && !schema.additionalProperties)
      problems.push(`${where}: untyped (an object without properties)`);
    for (const [name, property] of properties)
      problems.push(...untyped(property, `${where}.${name}`));
    if (typeof schema.additionalProperties === 'object')
      problems.push(...untyped(schema.additionalProperties, `${where}{}`));
  }
  if (schema.type === 'array') problems.push(...untyped(schema.items, `${where}[]`));
  return problems;
}
