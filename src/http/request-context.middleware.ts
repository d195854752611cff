import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { UnsupportedMediaType } from '#common';
import { ANONYMOUS_PRINCIPAL, runWithContext } from '../common/request-context';
import { toProblem } from './problem.filter';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Gives every request an id (echoed as X-Request-Id) and an async context for logs and tenancy. */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', requestId);
  // The access guard fills in the principal and the resolved tenant.
  runWithContext({ requestId, principal: ANONYMOUS_PRINCIPAL }, next);
}

/**
 * Form posts let through the JSON-only rule: our own page's second factor after single
 * sign-on, and a SAML identity provider's page posting its response to the assertion
 * consumer service or a logout message to the single logout service (HTTP-POST binding).
 */
const FORM_PATHS = /^\/sso\/(?:mfa|callback\/[^/]{1,100}|saml\/[^/]{1,100}\/logout\/callback)$/;

/** Mutating API requests with a body must be JSON (415 otherwise). */
export function jsonOnlyMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (
    req.method === 'POST' &&
    FORM_PATHS.test(req.path) &&
    req.is('application/x-www-form-urlencoded')
  )
    return next();
  const hasBody =
    Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && hasBody && !req.is('application/json')) {
    const body = toProblem(
      new UnsupportedMediaType(req.header('content-type')),
      req.originalUrl.split('?')[0],
    );
    res.status(415).type('application/problem+json').send(JSON.stringify(body));
    return;
  }
  next();
}
