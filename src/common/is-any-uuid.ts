import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isUuid } from '#common';

/**
 * A UUID of any shape, version 0 included: class-validator's `@IsUUID('all')` refuses the
 * installation's own tenant, 00000000-0000-0000-0000-000000000001.
 */
export function IsAnyUuid(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAnyUuid',
      validator: { validate: (value) => isUuid(value), defaultMessage: () => 'must be a UUID' },
    },
    options,
  );
}
