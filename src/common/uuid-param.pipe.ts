import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { isUuid, ValidationFailed } from '#common';

/**
 * A path parameter that must be a UUID (any version): anything else answers 400
 * `validation-failed` naming the parameter, like a bad body field.
 */
export class UuidParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && isUuid(value)) return value;
    throw new ValidationFailed([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
  }
}
