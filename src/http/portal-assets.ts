import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Paths the API, its docs, the authorization server, single sign-on, health, metrics, MCP
 * and the WebSocket answer themselves: a browser route never shadows them.
 */
const SERVER_PATHS =
  /^\/(?:api|dashboard|docs|docs-json|oauth|sso|health|metrics|mcp|ws|\.well-known)(?:[/.?]|$)/;

/** A page address of the portal (`/goals/1f2e…`): no file extension in its last segment. */
export function isPortalRoute(path: string): boolean {
  if (SERVER_PATHS.test(path)) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * The admin portal: its built files (dist/portal) at `/`, and index.html for every client
 * route a browser asks for as a page (deep links, reloads, the back button), so the
 * single-page app opens on the address it was given.
 */
export function mountPortal(app: NestExpressApplication, dir: string): void {
  app.useStaticAssets(dir, { index: 'index.html', maxAge: '5m', redirect: false });
  const index = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // only a browser asking for a page (it names text/html): an API client's `*/*` or no
    // Accept at all on an unknown path gets the API's 404, not the page
    const asksForPage = (req.headers.accept ?? '').includes('text/html');
    if (!isPortalRoute(req.path) || !asksForPage || !existsSync(index)) return next();
    res.sendFile(index, { headers: { 'Cache-Control': 'no-store' } });
  });
}

/** URL paths of the portal's files (`/`, `/index.html`, `/assets/index-3f2a.js`, ...). */
export function portalAssetPaths(dir: string): Set<string> {
  const paths = new Set<string>(['/']);
  if (!existsSync(dir)) return paths;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const relative = join(entry.parentPath, entry.name).slice(dir.length).split('\\').join('/');
    paths.add(relative.startsWith('/') ? relative : `/${relative}`);
  }
  return paths;
}
