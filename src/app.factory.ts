import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  urlencoded,
} from 'express';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { portalAssetsDir } from './dashboard/dashboard.module';
import type { AppConfig } from './config/app-config';
import { accessLogMiddleware } from './http/access-log.middleware';
import { installInputHardening } from './http/input-hardening';
import { mountPortal } from './http/portal-assets';
import { ProblemFilter } from './http/problem.filter';
import { applySecurityHeaders } from './http/security-headers';
import { jsonOnlyMiddleware, requestContextMiddleware } from './http/request-context.middleware';
import { createValidationPipe } from './http/validation';
import { metricsToken } from './metrics/metrics-token';
import { NestPinoLogger } from './observability/nest-logger';
import { OriginCheckingWsAdapter } from './realtime/origin-checking-ws-adapter';
import { OAuthHttp } from './oauth/oauth-http';
import { buildOpenApiDocument } from './openapi/openapi-document';

/**
 * The Express server, routing a path only as documented: in its letter case and without a
 * trailing slash. Rate-limit rules, exempt paths and plugin middleware match the path as
 * written, so a route that also answered `/API/V1/GOALS` or `/api/v1/goals/` would let
 * requests slip past them. Set before anything touches the router, which reads them once.
 */
function exactPathServer(): Express {
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  return server;
}

export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ExpressAdapter(exactPathServer()),
    { bodyParser: false, logger: new NestPinoLogger() },
  );
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  applySecurityHeaders(app, config, config.DASHBOARD_ENABLED ? portalAssetsDir() : undefined);
  if (config.METRICS_ENABLED) metricsToken(config); // at start: a generated token is announced now
  app.use(requestContextMiddleware);
  app.use(accessLogMiddleware);
  // The authorization server parses its own form bodies: mounted before the JSON-only rule.
  app.use('/oauth', app.get(OAuthHttp).router());
  app.use('/sso/mfa', urlencoded({ extended: false, limit: '16kb' }));
  // A SAML response posted by the IdP's page (signed XML in base64, with its groups).
  const samlForm = urlencoded({ extended: false, limit: '1mb', parameterLimit: 10 });
  app.use('/sso/callback/:provider', (req: Request, res: Response, next: NextFunction) =>
    req.method === 'POST' ? samlForm(req, res, next) : next(),
  );
  // A logout message posted by the IdP's page to the single logout service.
  app.use(
    '/sso/saml/:provider/logout/callback',
    (req: Request, res: Response, next: NextFunction) =>
      req.method === 'POST' ? samlForm(req, res, next) : next(),
  );
  app.use(jsonOnlyMiddleware);
  installInputHardening(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.useWebSocketAdapter(new OriginCheckingWsAdapter(app, config.WS_ALLOWED_ORIGINS));
  if (config.DASHBOARD_ENABLED) {
    // The admin portal: static, offline (no CDN), index.html at `/` and its client routes.
    mountPortal(app, portalAssetsDir());
  }

  const document = buildOpenApiDocument(app, config);
  // /docs and /docs-json are served by Swagger itself, outside the guarded routes: public.
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Agent Village API',
  });
  return app;
}
