import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { IsAnyUuid } from './is-any-uuid';

class Query {
  @IsOptional()
  @IsAnyUuid()
  tenant_id?: string;
}

const errorsOf = (tenantId: unknown) =>
  validateSync(plainToInstance(Query, { tenant_id: tenantId })).map((e) => e.constraints);

describe('IsAnyUuid', () => {
  it("takes the installation's own tenant id and UUIDs of any version", () => {
    for (const id of [
      '00000000-0000-0000-0000-000000000001',
      '01a252f7-ea2a-7e1f-808c-6bdac8892862',
      'F47AC10B-58CC-4372-A567-0E02B2C3D479',
    ])
      expect(errorsOf(id)).toEqual([]);
  });

  it('refuses anything else as "must be a UUID"', () => {
    for (const bad of ['not-a-uuid', '', 'f47ac10b58cc4372a5670e02b2c3d479', 5, ['x']])
      expect(errorsOf(bad)).toEqual([{ isAnyUuid: 'must be a UUID' }]);
  });
});
