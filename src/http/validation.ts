import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed } from '#common';
import { findUnsafeText, unsafeText } from './input-safety';

/**
 * Request validation whose 400 names every bad field (snake_case, as on the wire). Path
 * parameters are also refused when they hold a NUL or a lone surrogate; bodies and query
 * strings were checked for those before routing.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') {
      const bad = findUnsafeText(value, metadata.data ?? '', metadata.data ?? 'path');
      if (bad) throw unsafeText(bad);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailed(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: withoutLeadingName(
        message.replace(/^property (\S+) should not exist$/, 'is not a known field'),
        e.property,
      ),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** class-validator starts its messages with the property name, which the field already says. */
function withoutLeadingName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
