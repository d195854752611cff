import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiProblems, type ApiDocument } from './openapi-quality';

/**
 * The API document the SDK is generated from (libs/sdk/openapi.json, which a test in
 * test/sdk-generated.e2e-spec.ts keeps equal to what the built app emits) is held to the
 * standard a generated client needs: names, schemas and refusals for every route.
 */
const ROOT = join(__dirname, '..', '..');
const document = JSON.parse(
  readFileSync(join(ROOT, 'libs/sdk/openapi.json'), 'utf8'),
) as ApiDocument;

describe('the OpenAPI document', () => {
  it('gives every route an operationId, typed schemas, problem+json refusals and a tag', () => {
    expect(openApiProblems(document)).toEqual([]);
  });

  it('passes the redocly lint (redocly.yaml) without errors', () => {
    const output = execFileSync(process.execPath, [join(ROOT, 'scripts/lint-openapi.mjs')], {
      encoding: 'utf8',
    });
    expect(output).toContain('OpenAPI lint: 0 errors');
  });

  it('names operations as SDK methods: goals.create, goals.listEvents', () => {
    expect(document.paths['/api/v1/goals']?.post?.operationId).toBe('goals.create');
    expect(document.paths['/api/v1/goals/{id}/events']?.get?.operationId).toBe('goals.listEvents');
  });

  it('offers API key, bearer and OAuth 2.0 client credentials', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(Object.keys(schemes).sort()).toEqual(['api-key', 'bearer', 'oauth2']);
    expect(JSON.stringify(schemes.oauth2)).toContain('clientCredentials');
  });
});

describe('openApiProblems', () => {
  const valid = (): ApiDocument => ({
    openapi: '3.0.0',
    paths: {
      '/api/v1/things/{id}': {
        get: {
          operationId: 'things.get',
          tags: ['things'],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/T' } } },
            },
            '404': {
              description: 'no',
              content: {
                'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        T: { type: 'object', properties: { name: { type: 'string' } } },
        Problem: { type: 'object', properties: { type: { type: 'string' } } },
      },
    },
  });

  it('accepts a complete route', () => {
    expect(openApiProblems(valid())).toEqual([]);
  });

  it('names the route that lacks an operationId or a tag', () => {
    const document = valid();
    const get = document.paths['/api/v1/things/{id}'].get!;
    delete get.operationId;
    get.tags = [];
    expect(openApiProblems(document)).toEqual([
      'GET /api/v1/things/{id}: no operationId',
      'GET /api/v1/things/{id}: no tag',
    ]);
  });

  it('names a route without a success schema or without refusals', () => {
    const document = valid();
    const get = document.paths['/api/v1/things/{id}'].get!;
    get.responses = { '200': { description: 'ok' } };
    expect(openApiProblems(document)).toEqual([
      'GET /api/v1/things/{id}: 200 has no schema',
      'GET /api/v1/things/{id}: no problem+json error response',
    ]);
  });

  it('names a header declared twice (header names are case-insensitive)', () => {
    const document = valid();
    document.paths['/api/v1/things/{id}'].get!.parameters!.push(
      { name: 'idempotency-key', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } },
    );
    expect(openApiProblems(document)).toEqual([
      'GET /api/v1/things/{id}: header parameter Idempotency-Key is declared twice',
    ]);
  });

  it('names an untyped schema, where it is', () => {
    const document = valid();
    document.components!.schemas!.T = {
      type: 'object',
      properties: { name: { type: 'object' }, tags: { type: 'array', items: {} } },
    };
    expect(openApiProblems(document)).toEqual([
      'schema T.name: untyped (an object without properties)',
      'schema T.tags[]: untyped (no type)',
    ]);
  });

  it('names a request body without a schema and an error that is not problem+json', () => {
    const document = valid();
    const get = document.paths['/api/v1/things/{id}'].get!;
    get.requestBody = { content: { 'application/json': {} } };
    get.responses['404'] = { description: 'no', content: { 'application/json': {} } };
    expect(openApiProblems(document)).toEqual([
      'GET /api/v1/things/{id}: request body application/json has no schema',
      'GET /api/v1/things/{id}: 404 is not application/problem+json',
      'GET /api/v1/things/{id}: no problem+json error response',
    ]);
  });
});
