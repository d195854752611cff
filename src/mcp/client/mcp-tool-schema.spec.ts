import { z } from 'zod';
import { argumentsSchema } from './mcp-tool-schema';

describe('argumentsSchema', () => {
  it('validates arguments against the tool input schema', () => {
    const { schema, exact } = argumentsSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
      additionalProperties: false,
    });
    expect(exact).toBe(true);
    expect(schema.safeParse({ a: 1, b: 2 }).success).toBe(true);
    expect(schema.safeParse({ a: 'one', b: 2 }).success).toBe(false);
    expect(schema.safeParse({ a: 1 }).success).toBe(false);
    expect(schema.safeParse({ a: 1, b: 2, c: 3 }).success).toBe(false);
  });

  it('offers the model the same JSON schema back', () => {
    const { schema } = argumentsSchema({
      type: 'object',
      properties: { text: { type: 'string', description: 'what to shout' } },
      required: ['text'],
    });
    expect(z.toJSONSchema(schema, { io: 'input' })).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', description: 'what to shout' } },
      required: ['text'],
    });
  });

  it('reads draft-07 definitions and their references', () => {
    const { schema, exact } = argumentsSchema({
      type: 'object',
      properties: { when: { $ref: '#/definitions/Day' } },
      definitions: { Day: { type: 'string', enum: ['mon', 'tue'] } },
    });
    expect(exact).toBe(true);
    expect(schema.safeParse({ when: 'mon' }).success).toBe(true);
    expect(schema.safeParse({ when: 'sun' }).success).toBe(false);
  });

  it('falls back to any object for a schema it cannot read', () => {
    for (const input of [
      undefined,
      'x',
      { type: 'string' },
      { type: 'object', properties: { a: { type: 'wat' } } },
    ]) {
      const { schema, exact } = argumentsSchema(input);
      expect(exact).toBe(false);
      expect(schema.safeParse({ anything: 1 }).success).toBe(true);
      expect(schema.safeParse('not an object').success).toBe(false);
    }
  });

  it('accepts a bare object schema with any properties', () => {
    const { schema } = argumentsSchema({ type: 'object' });
    expect(schema.safeParse({ q: 1 }).success).toBe(true);
  });
});
