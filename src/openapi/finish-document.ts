import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '#common';
import { API_TAGS } from './api-tags';
import { PROBLEM_SCHEMA, PROBLEM_SCHEMA_NAME } from './problem-schema';

type Operation = OpenAPIObject['paths'][string]['get'] & object;
type Responses = Operation['responses'];
type ResponseObject = Responses[string] & { description: string; content?: object };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** What each refusal means when a route does not say it more precisely. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'The request is invalid: `errors` names each bad field',
  '401': 'No valid credentials (API key, session or OAuth access token)',
  '403': "The caller lacks the route's permission, or the tenant is not active",
  '404': 'No such resource in this tenant',
  '413': 'The request body is larger than allowed',
  '415': 'The request body is not application/json',
  '429': 'A rate limit or quota is exhausted: wait for `Retry-After` seconds',
};

/** The access rule every route carries (`x-access`, written by the access decorators). */
interface AccessExtension {
  public?: boolean;
  session?: boolean;
}

/**
 * Completes the document the Nest decorators produce, with what holds for every route
 * alike and so is not repeated on each of them: the problem+json refusals the global
 * pipeline answers (validation, authentication, permissions, unknown ids, rate limits),
 * public routes without security, session-only routes with the bearer scheme alone, and
 * the tags' descriptions.
 */
export function finishOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = {
    ...document.components.schemas,
    [PROBLEM_SCHEMA_NAME]: PROBLEM_SCHEMA,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) finishOperation(path, operation);
    }
  }
  const used = new Set(
    Object.values(document.paths).flatMap((item) =>
      METHODS.flatMap((method) => item[method]?.tags ?? []),
    ),
  );
  document.tags = [...used].sort().map((name) => ({
    name,
    description: API_TAGS[name] ?? name,
  }));
  return document;
}

function finishOperation(path: string, operation: Operation): void {
  const access = (operation as { 'x-access'?: AccessExtension })['x-access'] ?? {};
  // Metrics is outside the user pipeline and declares its own bearer token.
  const ownSecurity = operation.security?.length;
  if (access.public && !ownSecurity) operation.security = [];
  else if (access.session) operation.security = [{ bearer: [] }];

  const statuses = new Set<string>();
  const takesInput =
    !!operation.requestBody ||
    (operation.parameters ?? []).some((p) => 'in' in p && p.in !== 'header');
  if (takesInput) statuses.add('400');
  if (!access.public || ownSecurity) {
    statuses.add('401');
    statuses.add('403');
  }
  if (path.includes('{')) statuses.add('404');
  const requestBody = operation.requestBody as { content?: object } | undefined;
  if (requestBody?.content && 'application/json' in requestBody.content) {
    statuses.add('413');
    statuses.add('415');
  }
  if (!path.startsWith('/health')) statuses.add('429');

  for (const status of statuses) operation.responses[status] ??= { description: '' };
  const browserPage = isBrowserFlow(operation);
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!/^[45]\d\d$/.test(status) || !response || '$ref' in response) continue;
    const declared = response as ResponseObject;
    declared.description ||= ERROR_DESCRIPTIONS[status] ?? 'The request was refused';
    // The pages of a browser flow say what went wrong as a page; the guards still answer
    // problem+json (credentials, permissions, rate limits).
    declared.content ??=
      browserPage && (status === '400' || status === '404')
        ? { 'text/html': { schema: { type: 'string' } } }
        : {
            [PROBLEM_CONTENT_TYPE]: {
              schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` },
            },
          };
    if (status === '429') {
      (declared as { headers?: object }).headers ??= {
        'Retry-After': {
          description: 'Seconds to wait before trying again',
          schema: { type: 'integer' },
        },
      };
    }
  }
}

/** A route a browser follows (sign-in, logout): it answers redirects or HTML pages. */
function isBrowserFlow(operation: Operation): boolean {
  const successes = Object.entries(operation.responses).filter(([status]) => /^[23]/.test(status));
  return (
    successes.length > 0 &&
    successes.every(
      ([status, response]) =>
        status.startsWith('3') ||
        Object.keys((response as ResponseObject).content ?? {}).every(
          (type) => type === 'text/html',
        ),
    )
  );
}
