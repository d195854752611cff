import type { NextFunction, Request, Response } from 'express';
import { logFor } from '../observability/logger';

const log = logFor('HTTP');

/** One structured line per request: method, path (no query string), status, duration. */
export function accessLogMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = performance.now();
  res.on('finish', () => {
    const fields = {
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: res.statusCode,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (res.statusCode >= 500) log.error('request failed', fields);
    else log.info('request', fields);
  });
  next();
}
