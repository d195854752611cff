import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Unauthenticated } from '../auth/auth-errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bearerTokenMatches, METRICS_AUTH_CHALLENGE, metricsToken } from './metrics-token';

/**
 * /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). The
 * token is looked up at the first scrape: processes that serve no HTTP (CLI) build this
 * guard too and must not generate one.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = metricsToken(this.config);
    if (bearerTokenMatches(http.getRequest<Request>().header('authorization'), token)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', METRICS_AUTH_CHALLENGE);
    throw new Unauthenticated('/metrics requires the metrics bearer token (METRICS_TOKEN).');
  }
}
