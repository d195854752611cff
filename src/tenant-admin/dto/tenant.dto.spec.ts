import 'reflect-metadata';
import { ValidationFailed } from '#common';
import { createValidationPipe } from '../../http/validation';
import { CreateTenantDto, UpdateTenantDto } from './tenant.dto';

async function errorsFor(metatype: new () => object, body: unknown) {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype });
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  return [];
}

describe('tenant request bodies', () => {
  it.each([
    ['a new tenant', CreateTenantDto, { slug: 'acme', name: 'Acme' }],
    ['a tenant change', UpdateTenantDto, {}],
  ])('%s refuses quota overrides sent as an array, naming quotas', async (_, metatype, base) => {
    const errors = await errorsFor(metatype, { ...base, quotas: [{ goals_per_day: 1 }] });
    expect(errors).toContainEqual({ field: 'quotas', message: 'must be an object' });
  });

  it('takes quota overrides as an object, null lifting a limit', async () => {
    expect(
      await errorsFor(UpdateTenantDto, { quotas: { goals_per_day: 5, workers: null } }),
    ).toEqual([]);
  });
});
