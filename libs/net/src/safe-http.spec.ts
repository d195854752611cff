import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostResolver, safeHttpRequest, SsrfRefused } from './safe-http';

function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler!(req, res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, hits }),
    ),
  );
}

describe('safeHttpRequest', () => {
  let open: Awaited<ReturnType<typeof serve>>;
  let internal: Awaited<ReturnType<typeof serve>>;
  let allow: string[];

  beforeAll(async () => {
    internal = await serve((_req, res) => res.end('internal secret'));
    open = await serve((req, res) => {
      if (req.url === '/redirect-internal') {
        res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` });
        return res.end();
      }
      if (req.url === '/redirect-decimal') {
        res.writeHead(307, { location: `http://2130706433:${internal.port}/secret` });
        return res.end();
      }
      if (req.url === '/loop') {
        res.writeHead(302, { location: '/loop' });
        return res.end();
      }
      if (req.url === '/big') return res.end('x'.repeat(10_000));
      if (req.url === '/slow') return setTimeout(() => res.end('late'), 2000);
      res.end(`hello ${req.method}`);
    });
    allow = [`127.0.0.1:${open.port}`];
  });

  afterAll(async () => {
    await new Promise((r) => open.server.close(r));
    await new Promise((r) => internal.server.close(r));
  });

  it('fetches from an allow-listed host', async () => {
    const res = await safeHttpRequest(
      { url: `http://127.0.0.1:${open.port}/` },
      { allowHosts: allow },
    );
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello GET');
  });

  it.each([
    'http://127.0.0.1:PORT/',
    'http://2130706433:PORT/',
    'http://0x7f000001:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://127.1:PORT/',
    'http://[::1]:PORT/',
    'http://[::ffff:7f00:1]:PORT/',
    'http://[::127.0.0.1]:PORT/',
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://localhost:PORT/',
    'http://LocalHost.:PORT/',
    'http://svc.localhost:PORT/',
    'file:///etc/passwd',
    'gopher://127.0.0.1:PORT/_',
    'ftp://127.0.0.1/',
  ])('refuses %s before connecting', async (template) => {
    const url = template.replace('PORT', String(internal.port));
    await expect(safeHttpRequest({ url }, { allowHosts: allow })).rejects.toThrow(SsrfRefused);
    expect(internal.hits).toEqual([]);
  });

  it('re-checks every redirect hop', async () => {
    for (const path of ['/redirect-internal', '/redirect-decimal'])
      await expect(
        safeHttpRequest({ url: `http://127.0.0.1:${open.port}${path}` }, { allowHosts: allow }),
      ).rejects.toThrow(/loopback/);
    expect(internal.hits).toEqual([]);
    await expect(
      safeHttpRequest(
        { url: `http://127.0.0.1:${open.port}/loop` },
        { allowHosts: allow, maxRedirects: 3 },
      ),
    ).rejects.toThrow(/too many redirects/);
  });

  it('checks the resolved address at connect time (DNS rebinding)', async () => {
    let calls = 0;
    // answers a public address first, then the loopback address: a checker that resolves
    // once to validate and again to connect would be fooled
    const rebinding: HostResolver = {
      resolve: async () => (++calls === 1 ? ['93.184.216.34'] : ['127.0.0.1']),
    };
    const url = `http://rebind.test:${internal.port}/secret`;
    await safeHttpRequest({ url }, { resolver: rebinding, timeoutMs: 300 }).catch(() => undefined);
    expect(calls).toBe(1);
    await expect(safeHttpRequest({ url }, { resolver: rebinding })).rejects.toThrow(
      /rebind\.test resolved to 127\.0\.0\.1 is a loopback address/,
    );
    expect(calls).toBe(2);
    const mixed: HostResolver = { resolve: async () => ['93.184.216.34', '10.0.0.1'] };
    await expect(safeHttpRequest({ url }, { resolver: mixed })).rejects.toThrow(/private/);
    expect(internal.hits).toEqual([]);
  });

  it('caps response size and time', async () => {
    const big = await safeHttpRequest(
      { url: `http://127.0.0.1:${open.port}/big` },
      { allowHosts: allow, maxResponseBytes: 100 },
    );
    expect(big.body.length).toBe(100);
    expect(big.truncated).toBe(true);
    await expect(
      safeHttpRequest(
        { url: `http://127.0.0.1:${open.port}/slow` },
        { allowHosts: allow, timeoutMs: 200 },
      ),
    ).rejects.toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(/timed out/) });
    const cancelled = new AbortController();
    setTimeout(() => cancelled.abort(), 100);
    await expect(
      safeHttpRequest(
        { url: `http://127.0.0.1:${open.port}/slow` },
        { allowHosts: allow, timeoutMs: 5000, signal: cancelled.signal },
      ),
    ).rejects.toMatchObject({ name: 'AbortError', message: expect.stringMatching(/cancelled/) });
  });
});
