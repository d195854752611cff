import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from '#common';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

export const PROBLEM_SCHEMA_NAME = 'Problem';

/** RFC 9457 problem details, as every refusal of the API is answered. */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    'RFC 9457 problem details (`application/problem+json`). Extensions carry specifics: `errors` for invalid fields, `resource` and `resets_at` for quotas.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: 'Stable identifier of the kind of problem',
      example: `${PROBLEM_TYPE_BASE}goal-not-found`,
    },
    title: { type: 'string', example: 'Goal not found' },
    status: { type: 'integer', example: 404 },
    detail: { type: 'string', example: 'No goal with id 0190f5d4-5b7e-7c4a-9f2b-1c2d3e4f5a6b.' },
    instance: {
      type: 'string',
      description: 'The request path',
      example: '/api/v1/goals/0190f5d4-5b7e-7c4a-9f2b-1c2d3e4f5a6b',
    },
    errors: {
      type: 'array',
      description: 'Validation failures, one per field',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', example: 'goal' },
          message: { type: 'string', example: 'goal must be a string' },
        },
      },
    },
  },
  additionalProperties: true,
};
