import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortalRoute, portalAssetPaths } from './portal-assets';

describe("the portal's addresses", () => {
  it('opens the single-page app at its page addresses, deep links and filters included', () => {
    for (const path of ['/', '/goals', '/goals/3f2e', '/audit', '/account/sessions', '/x/y/z'])
      expect([path, isPortalRoute(path)]).toEqual([path, true]);
  });

  it("never shadows the server's own paths, nor files", () => {
    for (const path of [
      '/api',
      '/api/v1/goals',
      '/dashboard/config',
      '/docs',
      '/docs-json',
      '/oauth/auth',
      '/sso/login/p',
      '/health/ready',
      '/metrics',
      '/mcp',
      '/ws',
      '/.well-known/openid-configuration',
      '/assets/index-1a2b.js',
      '/favicon.ico',
    ])
      expect([path, isPortalRoute(path)]).toEqual([path, false]);
  });

  it('still opens pages whose names merely start like a server path', () => {
    for (const path of ['/api-keys', '/healthy', '/docsite', '/sso-providers'])
      expect([path, isPortalRoute(path)]).toEqual([path, true]);
  });

  it('lists the built files as cacheable paths, nested ones included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '');
    writeFileSync(join(dir, 'assets', 'index-1a2b.js'), '');
    expect([...portalAssetPaths(dir)].sort()).toEqual([
      '/',
      '/assets/index-1a2b.js',
      '/index.html',
    ]);
    expect([...portalAssetPaths(join(dir, 'missing'))]).toEqual(['/']);
  });
});
