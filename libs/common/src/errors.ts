/**
 * Typed domain errors. One exception filter maps them to RFC 9457 problem+json;
 * `type` is a stable identifier clients may switch on.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(
    readonly errors: FieldError[],
    detail = `Invalid request: ${[...new Set(errors.map((e) => e.field))].join(', ')}`,
  ) {
    super(400, 'validation-failed', 'Validation failed', detail, { errors });
  }
}

export class NotFound extends DomainError {
  constructor(resource: string, id: string) {
    super(
      404,
      `${resource}-not-found`,
      `${capitalize(resource)} not found`,
      `No ${resource} with id ${id}.`,
    );
  }
}

export class Conflict extends DomainError {
  constructor(
    type: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(409, type, title, detail, extensions);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(field: string, limit: number) {
    super(
      413,
      'payload-too-large',
      'Payload too large',
      `${field} exceeds the limit of ${limit} characters.`,
      {
        errors: [{ field, message: `must be at most ${limit} characters` }],
      },
    );
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(received: string | undefined) {
    super(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Request bodies must be application/json${received ? `, not ${received}` : ''}.`,
    );
  }
}

export class DependencyFailed extends DomainError {
  constructor(dependency: string, detail: string) {
    super(503, 'dependency-unavailable', `${dependency} unavailable`, detail);
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
