import WebSocket from 'ws';
import {
  ApiClient,
  AppProcess,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
} from '#testing';

const CONSOLE_ORIGIN = 'https://console.example.com';
const PASSWORD = 'a long enough password';

/** The WebSocket upgrade's answer: 'open', or the HTTP status and body of the refusal. */
function upgrade(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<{ status: number | 'open'; contentType?: string; body?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 'open' });
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }),
      );
    });
    socket.once('error', reject);
  });
}

function expectSecurityHeaders(headers: Headers, what: string): string {
  const csp = headers.get('content-security-policy') ?? '';
  expect([what, csp]).toEqual([what, expect.stringContaining("frame-ancestors 'none'")]);
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1];
  expect([what, scriptSrc]).toEqual([what, "'self'"]);
  expect([what, headers.get('x-frame-options')]).toEqual([what, 'DENY']);
  expect([what, headers.get('x-content-type-options')]).toEqual([what, 'nosniff']);
  expect([what, headers.get('referrer-policy')]).toEqual([what, 'no-referrer']);
  return csp;
}

describe('web security: headers, WebSocket origins, login throttling (embedded)', () => {
  let app: AppProcess;
  let admin: ApiClient;
  let anonymous: ApiClient;

  beforeAll(async () => {
    app = await startApp({
      env: {
        WS_ALLOWED_ORIGINS: `self,${CONSOLE_ORIGIN}`,
        // The test client is the proxy: X-Forwarded-For names the source address.
        TRUSTED_PROXIES: '127.0.0.1',
        LOGIN_MAX_FAILURES_PER_IP: '6',
        LOGIN_MAX_FAILURES_PER_TENANT: '10',
      },
    });
    admin = new ApiClient(app.baseUrl).withApiKey(TEST_ADMIN_API_KEY);
    anonymous = new ApiClient(app.baseUrl);
  });

  afterAll(async () => {
    await app?.stop();
  });

  const from = (address: string) => anonymous.withHeaders({ 'x-forwarded-for': address });

  /** The portal's built script and stylesheet, as its index.html names them. */
  async function portalAssets(): Promise<string[]> {
    const page = await (await fetch(app.baseUrl + '/')).text();
    const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    return assets;
  }

  it('sends the security headers on the portal, its assets, the API and errors', async () => {
    const paths = [
      '/',
      ...(await portalAssets()),
      '/goals/x',
      '/api/v1/goals',
      '/health',
      '/no/such.path',
    ];
    for (const path of paths) {
      const res = await fetch(app.baseUrl + path);
      const csp = expectSecurityHeaders(res.headers, path);
      expect([path, csp]).toEqual([path, expect.stringContaining("style-src 'self';")]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
    }
    const page = await (await fetch(app.baseUrl + '/')).text();
    // no inline script and no inline event handler in the portal's page
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/<style|\sstyle=/i);
  });

  it("opens the portal's page at any of its addresses, never over the server's own paths", async () => {
    const html = { accept: 'text/html' };
    const index = await (await fetch(app.baseUrl + '/')).text();
    // A deep link, reloaded or shared: the single-page app's index, not cached.
    for (const path of [
      '/goals/3f2e0c1a-0000-4000-8000-000000000000?status=running',
      '/audit',
      '/x/y',
    ]) {
      const res = await fetch(app.baseUrl + path, { headers: html });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        200,
        expect.stringContaining('text/html'),
      ]);
      expect(await res.text()).toBe(index);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // The API, docs, health, metrics, OAuth, SSO and MCP answer for themselves.
    const api = await fetch(app.baseUrl + '/api/v1/no-such-route', { headers: html });
    expect([api.status, api.headers.get('content-type')]).toEqual([
      404,
      expect.stringContaining('application/problem+json'),
    ]);
    expect(
      (await fetch(app.baseUrl + '/health', { headers: html })).headers.get('content-type'),
    ).toContain('application/json');
    expect(await (await fetch(app.baseUrl + '/docs', { headers: html })).text()).toContain(
      'swagger',
    );
    expect((await fetch(app.baseUrl + '/oauth/.well-known/openid-configuration')).status).toBe(200);
    for (const path of ['/sso/login/no-such-provider', '/mcp', '/dashboard/config']) {
      const res = await fetch(app.baseUrl + path, { headers: html });
      expect([path, await res.text()]).not.toEqual([path, index]);
    }
    // A file that does not exist is a 404, not the page.
    expect((await fetch(app.baseUrl + '/assets/missing.js')).status).toBe(404);
  });

  it('gives Swagger UI at /docs its own policy: inline styles only, scripts still strict', async () => {
    const res = await fetch(app.baseUrl + '/docs');
    expect(res.status).toBe(200);
    const csp = expectSecurityHeaders(res.headers, '/docs');
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders((await fetch(app.baseUrl + '/docs-json')).headers, '/docs-json');
  });

  it('marks API answers no-store, and lets only the static portal files be cached', async () => {
    for (const path of ['/api/v1/goals', '/dashboard/config', '/health', '/docs-json']) {
      const res = await admin.get(path);
      expect([path, res.status, res.headers.get('cache-control')]).toEqual([path, 200, 'no-store']);
    }
    const refused = await anonymous.get('/api/v1/goals');
    expect([refused.status, refused.headers.get('cache-control')]).toEqual([401, 'no-store']);
    for (const path of ['/', ...(await portalAssets())]) {
      const cacheControl = (await fetch(app.baseUrl + path)).headers.get('cache-control');
      expect([path, cacheControl]).toEqual([path, expect.stringMatching(/max-age=\d+/)]);
    }
  });

  it('marks every answer that carries a token no-store: login, key creation and rotation', async () => {
    const login = await from('198.51.100.1').post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    expect(login.body.token).toBeDefined();
    expect(login.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(login.headers, 'login');

    const created = await admin.post('/api/v1/api-keys', { name: 'ci', scopes: ['read:goals'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ak_/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const rotated = await admin.post(`/api/v1/api-keys/${created.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toMatch(/^ak_/);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a request carrying two credentials instead of choosing one of them', async () => {
    for (const authorization of [`Bearer ${TEST_ADMIN_API_KEY}`, 'Bearer junk', 'bearer x.y.z']) {
      const both = anonymous.withHeaders({ 'x-api-key': TEST_ADMIN_API_KEY, authorization });
      const refused = await both.get('/api/v1/goals');
      expect([authorization, refused.status]).toEqual([authorization, 400]);
      expect(refused.body.type).toMatch(/ambiguous-credentials$/);
    }
    // either one alone is fine, and a proxy's Basic header next to the key is no credential
    expect((await anonymous.withApiKey(TEST_ADMIN_API_KEY).get('/api/v1/goals')).status).toBe(200);
    const behindProxy = anonymous.withHeaders({
      'x-api-key': TEST_ADMIN_API_KEY,
      authorization: 'Basic eDp5',
    });
    expect((await behindProxy.get('/api/v1/goals')).status).toBe(200);
    expect((await anonymous.withBearer(TEST_ADMIN_API_KEY).get('/api/v1/goals')).status).toBe(200);
  });

  it('opens the WebSocket for clients without Origin, the same host and listed origins only', async () => {
    const key = { 'x-api-key': TEST_ADMIN_API_KEY };
    expect((await upgrade(app.baseUrl, key)).status).toBe('open');
    expect((await upgrade(app.baseUrl, { ...key, origin: app.baseUrl })).status).toBe('open');
    expect((await upgrade(app.baseUrl, { ...key, origin: CONSOLE_ORIGIN })).status).toBe('open');

    for (const origin of [
      'https://evil.example',
      'http://127.0.0.1:1',
      'http://console.example.com',
      'null',
    ]) {
      const refused = await upgrade(app.baseUrl, { ...key, origin });
      expect([origin, refused.status]).toEqual([origin, 403]);
      expect(refused.contentType).toContain('application/problem+json');
      expect(JSON.parse(refused.body ?? '{}')).toMatchObject({
        status: 403,
        type: expect.stringMatching(/origin-not-allowed$/),
      });
    }
  });

  it('meets a password spray from one address with 429 and Retry-After, other addresses unaffected', async () => {
    await admin.post('/api/v1/users', {
      email: 'sprayed@example.com',
      display_name: 'sprayed',
      password: PASSWORD,
    });
    const attacker = from('203.0.113.7');
    for (let i = 0; i < 6; i++) {
      const res = await attacker.post('/api/v1/auth/login', {
        email: `victim-${i}@example.com`,
        password: 'Spring2026!',
      });
      expect([i, res.status]).toEqual([i, 401]);
    }
    for (const email of ['victim-99@example.com', 'sprayed@example.com']) {
      const res = await attacker.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect([email, res.status]).toEqual([email, 429]);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 429, retry_after_s: expect.any(Number) });
    }
    // the same account from another address: the address was throttled, not the account
    const other = await from('203.0.113.8').post('/api/v1/auth/login', {
      email: 'sprayed@example.com',
      password: PASSWORD,
    });
    expect(other.status).toBe(200);
  });

  it('throttles a spray on one tenant from many addresses, leaving other tenants alone', async () => {
    const tenant = (
      await admin.post('/api/v1/tenants', { slug: 'sprayed', name: 'Sprayed', tier: 'ENTERPRISE' })
    ).body;
    expect(tenant.id).toBeDefined();
    for (let i = 0; i < 10; i++) {
      const res = await from(`192.0.2.${i + 1}`).post('/api/v1/auth/login', {
        email: `user-${i}@example.com`,
        password: 'Spring2026!',
        tenant: 'sprayed',
      });
      expect([i, res.status]).toEqual([i, 401]);
    }
    const throttled = await from('192.0.2.200').post('/api/v1/auth/login', {
      email: 'user-x@example.com',
      password: 'Spring2026!',
      tenant: 'sprayed',
    });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const elsewhere = await from('192.0.2.201').post('/api/v1/auth/login', {
      email: TEST_ADMIN_EMAIL,
      password: TEST_ADMIN_PASSWORD,
    });
    expect(elsewhere.status).toBe(200);
  });
});
