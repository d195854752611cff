import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Times every HTTP request. The route label is the matched route template
 * (`/api/v1/goals/:id`), never the raw path, so its cardinality stays bounded.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const method = normalizeMethod(req.method);
    const started = process.hrtime.bigint();
    this.metrics.httpInProgress.inc({ method });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.metrics.httpInProgress.dec({ method });
      const labels = {
        method,
        route: routeTemplate(req, res),
        status_code: String(res.statusCode),
      };
      this.metrics.httpTotal.inc(labels);
      this.metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function normalizeMethod(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

function routeTemplate(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  if (res.locals.metricsRoute) return String(res.locals.metricsRoute);
  return res.statusCode === 404 ? 'unmatched' : 'other';
}
