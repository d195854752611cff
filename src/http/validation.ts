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
    const own = ownMessages(e).map((message) => ({
      field,
      message: withoutLeadingName(
        message.replace(/^property (\S+) should not exist$/, 'is not a known field'),
        e.property,
      ),
    }));
    // a value of the wrong type says so alone: not also what its items lack
    const wrongType = Object.keys(e.constraints ?? {}).some((name) => TYPE_CONSTRAINTS.has(name));
    return [...own, ...(wrongType ? [] : flatten(e.children ?? [], field))];
  });
}

/** class-validator's constraints that say what type a value must have. */
const TYPE_CONSTRAINTS = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDate',
  'isDateString',
  'isISO8601',
]);

/**
 * One reason where one is enough: a missing field is required (not also too short), and a
 * value of the wrong type says so alone (not also out of range, which only confuses).
 */
function ownMessages(e: ValidationError): string[] {
  const constraints = Object.entries(e.constraints ?? {});
  if (!constraints.length) return [];
  if (constraints.some(([name]) => name === 'whitelistValidation'))
    return constraints.map(([, message]) => message);
  // a list whose items failed nested validation arrives without its value: it was given
  if (e.value === undefined && !e.children?.length) return ['is required'];
  const typed = constraints.filter(([name]) => TYPE_CONSTRAINTS.has(name));
  return (typed.length ? typed : constraints).map(([, message]) => message);
}

/** class-validator starts its messages with the property name, which the field already says. */
function withoutLeadingName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
