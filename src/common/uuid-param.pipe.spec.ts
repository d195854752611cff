import { ValidationFailed } from '#common';
import { UuidParamPipe } from './uuid-param.pipe';

describe('UuidParamPipe', () => {
  const pipe = new UuidParamPipe();
  const meta = { type: 'param' as const, data: 'goal_id' };

  it('passes a UUID of any version through', () => {
    for (const id of [
      '0190f0c4-0000-7000-8000-000000000000',
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      '00000000-0000-0000-0000-000000000000',
      '00000000-0000-0000-0000-000000000001',
    ])
      expect(pipe.transform(id, meta)).toBe(id);
  });

  it('refuses anything else with a 400 naming the parameter', () => {
    for (const bad of ['not-a-uuid', '', '..%2f', 'f47ac10b58cc4372a5670e02b2c3d479', 5]) {
      let thrown: unknown;
      try {
        pipe.transform(bad, meta);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationFailed);
      expect((thrown as ValidationFailed).errors).toEqual([
        { field: 'goal_id', message: 'must be a UUID' },
      ]);
    }
  });
});
