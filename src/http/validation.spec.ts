import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ValidationFailed } from '#common';
import { createValidationPipe } from './validation';

class Inner {
  @IsString()
  @MinLength(2)
  name!: string;
}

class Body {
  @IsString()
  @MinLength(1)
  @MaxLength(10)
  goal!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

async function errorsFor(body: unknown) {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: Body });
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  return [];
}

/** The 400 a bad body gets: every bad field named, each with the one reason that matters. */
describe('request validation errors', () => {
  it('says a missing field is required, not also that it is too short or of the wrong type', async () => {
    expect(await errorsFor({})).toEqual([{ field: 'goal', message: 'is required' }]);
  });

  it('says a value of the wrong type has the wrong type, without range or length messages', async () => {
    expect(await errorsFor({ goal: 5, priority: '9' })).toEqual([
      { field: 'goal', message: 'must be a string' },
      { field: 'priority', message: 'must be an integer number' },
    ]);
  });

  it('keeps every constraint a value of the right type breaks', async () => {
    expect(await errorsFor({ goal: 'far too long a goal', priority: 11 })).toEqual([
      { field: 'goal', message: 'must be shorter than or equal to 10 characters' },
      { field: 'priority', message: 'must not be greater than 10' },
    ]);
  });

  it('names unknown fields and nested fields by their path', async () => {
    expect(await errorsFor({ goal: 'ok', tenant_id: 'x', inner: { name: 'a' } })).toEqual([
      { field: 'tenant_id', message: 'is not a known field' },
      { field: 'inner.name', message: 'must be longer than or equal to 2 characters' },
    ]);
  });

  it('says an object given as a list is not an object, once, whatever the items', async () => {
    for (const inner of [[1], [{ name: 'a' }], 'text'])
      expect(await errorsFor({ goal: 'ok', inner })).toEqual([
        { field: 'inner', message: 'must be an object' },
      ]);
  });

  it('passes a valid body through', async () => {
    expect(await errorsFor({ goal: 'ok', priority: 3 })).toEqual([]);
  });
});
