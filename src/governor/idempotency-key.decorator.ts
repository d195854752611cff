import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The request's Idempotency-Key header. Read here rather than with `@Headers()`, which
 * the API document would list as a second, required header beside the documented
 * optional one.
 */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
    return Array.isArray(value) ? value[0] : value;
  },
);
