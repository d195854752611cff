import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';
import {
  CspDirectives,
  dashboardConnectSources,
  docsDirectives,
  oauthDirectives,
  strictDirectives,
} from './content-security-policy';
import { portalAssetPaths } from './portal-assets';

interface HeaderTarget {
  use(handler: RequestHandler): unknown;
}

const DOCS_PATH = /^\/docs(?:\/|$)/;
const OAUTH_PATH = /^\/oauth(?:\/|$)/;

function helmetWith(directives: CspDirectives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });
}

/**
 * Security headers on every response: a strict Content-Security-Policy (a relaxed one for
 * Swagger UI at /docs only), frame-ancestors 'none' with X-Frame-Options DENY, nosniff,
 * Referrer-Policy no-referrer; and `Cache-Control: no-store` on everything except the
 * portal's static files, so API answers and the tokens some of them carry are never
 * kept by a browser or a proxy.
 */
export function applySecurityHeaders(
  app: HeaderTarget,
  config: AppConfig,
  portalAssetsDir?: string,
): void {
  const strict = helmetWith(
    strictDirectives(dashboardConnectSources([config.DASHBOARD_API_URL, config.DASHBOARD_WS_URL])),
  );
  const docs = helmetWith(docsDirectives());
  const oauth = helmetWith(oauthDirectives());
  app.use((req: Request, res: Response, next: NextFunction) =>
    DOCS_PATH.test(req.path)
      ? docs(req, res, next)
      : OAUTH_PATH.test(req.path)
        ? oauth(req, res, next)
        : strict(req, res, next),
  );

  const cacheable = portalAssetsDir ? portalAssetPaths(portalAssetsDir) : new Set<string>();
  app.use((req: Request, res: Response, next: NextFunction) => {
    const isStaticAsset =
      (req.method === 'GET' || req.method === 'HEAD') && cacheable.has(req.path);
    if (!isStaticAsset) res.setHeader('Cache-Control', 'no-store');
    next();
  });
}
