import { createServer, Server } from 'node:http';
import { register } from 'prom-client';
import { problem, PROBLEM_CONTENT_TYPE } from '#common';
import { bearerTokenMatches, METRICS_AUTH_CHALLENGE } from './metrics-token';

/**
 * A worker has no HTTP API; this tiny server lets Prometheus scrape it (GET /metrics with
 * `Authorization: Bearer <token>`, the same metrics token as the API's).
 */
export function startMetricsServer(port: number, host: string, token: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!bearerTokenMatches(req.headers.authorization, token)) {
      const body = problem(
        401,
        'unauthenticated',
        'Unauthenticated',
        'The metrics bearer token is required.',
      );
      res
        .writeHead(401, {
          'content-type': PROBLEM_CONTENT_TYPE,
          'www-authenticate': METRICS_AUTH_CHALLENGE,
          'cache-control': 'no-store',
        })
        .end(JSON.stringify({ ...body, instance: '/metrics' }));
      return;
    }
    register.metrics().then(
      (body) =>
        res
          .writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' })
          .end(body),
      (error: Error) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
