import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'body-parser';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { UnsupportedMediaType } from '#common';
import type { AppConfig } from '../config/app-config';
import { answerClientErrorsWithProblems } from './client-error';
import { exceedsJsonDepth, findUnsafeText, jsonTooDeep, unsafeText } from './input-safety';
import { toProblem } from './problem.filter';

/**
 * The edge every HTTP request passes before routing: JSON bodies are refused when nested
 * deeper than JSON_MAX_DEPTH (checked on the raw text, before anything recurses on it),
 * every parsed body and query string is refused when any string or key in it holds a NUL
 * or a lone surrogate, and malformed requests the HTTP parser rejects (oversized headers)
 * answer problem+json. Path parameters are checked by the validation pipe, which knows
 * their names.
 */
export function installInputHardening(app: NestExpressApplication, config: AppConfig): void {
  const maxDepth = config.JSON_MAX_DEPTH;
  // body-parser directly: Nest's useBodyParser does not pass `verify`, which sees the raw text
  app.use(
    json({
      limit: config.BODY_LIMIT_BYTES,
      verify: (_req, _res, body, encoding) => {
        const text = isUtf8(encoding) ? body : decode(body, encoding);
        if (exceedsJsonDepth(text, maxDepth)) throw jsonTooDeep('body', maxDepth);
      },
    }),
  );
  app.use(refuseUnsafeText);
  answerClientErrorsWithProblems(app.getHttpServer() as Server);
}

function decode(body: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    throw new UnsupportedMediaType(`application/json; charset=${encoding}`);
  }
}

function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

function refuseUnsafeText(req: Request, res: Response, next: NextFunction): void {
  const bad = findUnsafeText(req.body, '', 'body') ?? findUnsafeText(req.query, '', 'query string');
  if (!bad) return next();
  const body = toProblem(unsafeText(bad), req.originalUrl.split('?')[0]);
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}
