import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DomainError,
  problem,
  PROBLEM_CONTENT_TYPE,
  problemFromDomainError,
  ProblemDocument,
} from '#common';
import { IllegalTransition } from '../goal-records/goal-fsm';
import { StateConflict } from '../governor/goal-store.service';
import { logFor } from '../observability/logger';
import { allowedMethods } from './allowed-methods';
import { type BodyReadError, bodyReadProblem } from './body-read-problem';

const log = logFor('HTTP');

/** Every error leaves as RFC 9457 problem+json; no stack traces, SQL or secrets. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const path = req.originalUrl?.split('?')[0];
    const allowed = unroutedMethod(error) ? allowedMethods(req.app, req.path) : [];
    // a path that exists, asked with a method it does not take: 405 with Allow (RFC 9110 §15.5.6)
    if (allowed.length) res.setHeader('Allow', allowed.join(', '));
    const body = allowed.length
      ? {
          ...problem(
            405,
            'method-not-allowed',
            'Method not allowed',
            `${req.method} is not allowed here; this path takes ${allowed.join(', ')}.`,
          ),
          instance: path,
        }
      : toProblem(error, path);
    if (body.status >= 500)
      log.error(`${req.method} ${path} failed`, {
        error: (error as Error)?.message,
      });
    // a refusal that knows when it ends says so (quotas, rate limits), unless a guard already did
    const retryAfterS = (error as { retryAfterS?: unknown })?.retryAfterS;
    if (body.status === 429 && typeof retryAfterS === 'number' && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(retryAfterS));
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }
}

/** The router's own 404 (no route for this method and path), not a resource that is not there. */
function unroutedMethod(error: unknown): boolean {
  return error instanceof NotFoundException && /^Cannot [A-Z]+ /.test(error.message);
}

export function toProblem(error: unknown, instance?: string): ProblemDocument {
  if (error instanceof DomainError) return problemFromDomainError(error, instance);
  if (error instanceof IllegalTransition || error instanceof StateConflict) {
    return {
      ...problem(409, 'illegal-transition', 'Illegal state transition', error.message),
      instance,
    };
  }
  if (error instanceof HttpException) {
    // errors thrown by Express middleware (the body parser's checks) arrive wrapped
    if (error.cause instanceof DomainError) return problemFromDomainError(error.cause, instance);
    const bodyRead = bodyReadProblem(error.cause as BodyReadError | undefined, instance);
    if (bodyRead) return bodyRead;
    const status = error.getStatus();
    const response = error.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : String((response as { message?: unknown }).message ?? error.message);
    const type =
      status === 404
        ? 'not-found'
        : status === 413
          ? 'payload-too-large'
          : status === 400
            ? 'bad-request'
            : `http-${status}`;
    return {
      ...problem(
        status,
        type,
        error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
        detail,
      ),
      instance,
    };
  }
  const bodyRead = bodyReadProblem(error as BodyReadError | undefined, instance);
  if (bodyRead) return bodyRead;
  const e = error as { status?: number; expose?: boolean; message?: string };
  if (e?.expose && typeof e.status === 'number' && e.status < 500)
    return {
      ...problem(e.status, `http-${e.status}`, 'Bad request', e.message ?? 'Bad request'),
      instance,
    };
  return {
    ...problem(
      500,
      'internal-error',
      'Internal error',
      'The server could not complete the request.',
    ),
    instance,
  };
}
