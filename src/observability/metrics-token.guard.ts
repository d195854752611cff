import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Unauthenticated } from '../auth/auth-errors';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bearerTokenMatches, METRICS_AUTH_CHALLENGE, metricsToken } from './metrics-token';

/** /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly token: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.token = metricsToken(config);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (bearerTokenMatches(http.getRequest<Request>().header('authorization'), this.token))
      return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', METRICS_AUTH_CHALLENGE);
    throw new Unauthenticated('/metrics requires the metrics bearer token (METRICS_TOKEN).');
  }
}
