import { z } from 'zod';
import { generateInstance, schemaViolations } from '#testing/json-schema-instance';
import { SwarmPlanSchema } from '../../agents/swarm';
import { CriticVerdictSchema, IntentSchema, PlanSchema } from '../../planning/schemas';
import { validateStructured } from '../structured-output';
import { deriveSchemas, dropAddedNulls, toStrict } from './strict-json-schema';

describe('strict JSON schemas derived from the Zod schemas', () => {
  const schemas = { IntentSchema, PlanSchema, CriticVerdictSchema, SwarmPlanSchema };

  it('derives each schema once and reuses it', () => {
    expect(deriveSchemas(PlanSchema)).toBe(deriveSchemas(PlanSchema));
  });

  it.each(Object.entries(schemas))(
    '%s: every object requires all its properties and allows no others',
    (_name, schema) => {
      const visit = (node: Record<string, unknown>): void => {
        if (node.properties) {
          expect(node.additionalProperties).toBe(false);
          expect([...(node.required as string[])].sort()).toEqual(
            Object.keys(node.properties as object).sort(),
          );
        }
        for (const value of Object.values(node))
          if (value && typeof value === 'object') visit(value as Record<string, unknown>);
      };
      const { strict } = deriveSchemas(schema as z.ZodType);
      visit(strict);
      expect(JSON.stringify(strict)).not.toMatch(/minLength|maxLength|"default"|\$schema/);
    },
  );

  it.each(Object.entries(schemas))(
    '%s: an instance a strict decoder produces passes Zod once its added nulls are dropped',
    (_name, schema) => {
      const { strict, plain } = deriveSchemas(schema as z.ZodType);
      for (const length of [0, 1, 3]) {
        // a generated dependency would name a task that does not exist: no dependencies here
        const instance = generateInstance(strict, {
          arrayLength: (path) => (path.endsWith('depends_on') ? 0 : length),
        });
        expect(schemaViolations(strict, instance)).toEqual([]);
        const result = validateStructured(schema as z.ZodType, dropAddedNulls(instance, plain));
        expect(result).toMatchObject({ ok: true });
      }
    },
  );

  it('turns an optional property into a nullable one, and a null back into absence', () => {
    const schema = z.object({
      note: z.string().optional(),
      kind: z.enum(['a', 'b']).optional(),
      kept: z.string().nullable(),
      tags: z.array(z.string()).default([]),
    });
    const { strict, plain } = deriveSchemas(schema);
    expect(strict).toMatchObject({
      required: ['note', 'kind', 'kept', 'tags'],
      properties: {
        note: { type: ['string', 'null'] },
        kind: { type: ['string', 'null'], enum: ['a', 'b', null] },
        tags: { type: ['array', 'null'] },
      },
    });
    const value = dropAddedNulls({ note: null, kind: null, kept: null, tags: null }, plain);
    expect(value).toEqual({ kept: null });
    expect(schema.parse(value)).toEqual({ kept: null, tags: [] });
  });

  it('wraps a nullable object in anyOf and keeps local references', () => {
    expect(
      toStrict({
        type: 'object',
        properties: { child: { $ref: '#/$defs/node' } },
        $defs: { node: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } },
      }),
    ).toEqual({
      type: 'object',
      properties: { child: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } },
      $defs: {
        node: {
          type: 'object',
          properties: { n: { type: 'number' } },
          required: ['n'],
          additionalProperties: false,
        },
      },
      required: ['child'],
      additionalProperties: false,
    });
  });
});
