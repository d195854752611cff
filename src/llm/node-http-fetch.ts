import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { BufferedResponse } from './buffered-response';

/** The fetch signature the OpenAI client accepts (`ClientOptions.fetch`). */
export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

const MAX_REDIRECTS = 5;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/**
 * Idle connections are closed after a minute, or a second before the server's announced
 * `Keep-Alive: timeout`, so a request is not sent on a connection the server is closing.
 */
const KEEP_ALIVE = {
  keepAlive: true,
  maxSockets: Infinity,
  scheduling: 'lifo',
  timeout: 60_000,
} as const;

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

function plainHeaders(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!init) return out;
  if (init instanceof Headers) init.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(init)) for (const [name, value] of init) out[name.toLowerCase()] = value;
  else
    for (const [name, value] of Object.entries(init as Record<string, string>))
      out[name.toLowerCase()] = value;
  return out;
}

function decoded(res: http.IncomingMessage): Readable {
  switch (res.headers['content-encoding']) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(zlib.createGunzip());
    case 'deflate':
      return res.pipe(zlib.createInflate());
    case 'br':
      return res.pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}

function responseHeaders(res: http.IncomingMessage): [string, string][] {
  const encoded = res.headers['content-encoding'] !== undefined;
  const pairs: [string, string][] = [];
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    // the body handed on is decoded, so its encoding and length no longer apply
    if (encoded && (name === 'content-encoding' || name === 'content-length')) continue;
    pairs.push([raw[i], raw[i + 1]]);
  }
  return pairs;
}

interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

/**
 * A `fetch` for API clients, on node:http with keep-alive agents. Node's built-in fetch
 * (undici with WHATWG streams) spends about a millisecond of CPU per small JSON call;
 * a swarm of model calls pays that once per worker on the event loop it shares with
 * the rest of the governor. This one costs a third of that: JSON responses are read
 * whole and handed over as a buffered Response, event streams stay streams.
 * Requests it does not cover (a Request object, a streamed or form body) go to the
 * global fetch unchanged.
 */
export function createNodeHttpFetch(): FetchFunction {
  const agents = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) };

  const send = (out: Outgoing, redirects: number): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const { signal } = out;
      if (signal?.aborted) return reject(abortError(signal));
      const secure = out.url.protocol === 'https:';
      const req = (secure ? https : http).request(out.url, {
        method: out.method,
        headers: out.headers,
        agent: secure ? agents.https : agents.http,
      });
      const onAbort = () => {
        const error = abortError(signal!);
        req.destroy(error);
        reject(error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (error) => {
        done();
        reject(error);
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (location && [301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          done();
          if (redirects >= MAX_REDIRECTS) return reject(new TypeError('too many redirects'));
          const keepsBody = status === 307 || status === 308;
          const { ['content-type']: _type, ['content-length']: _length, ...rest } = out.headers;
          const next: Outgoing = keepsBody
            ? { ...out, url: new URL(location, out.url) }
            : {
                ...out,
                url: new URL(location, out.url),
                method: out.method === 'HEAD' ? 'HEAD' : 'GET',
                headers: rest,
                body: undefined,
              };
          return resolve(send(next, redirects + 1));
        }
        const init = { status, statusText: res.statusMessage, headers: responseHeaders(res) };
        if (NULL_BODY_STATUSES.has(status) || out.method === 'HEAD') {
          res.resume();
          done();
          return resolve(new Response(null, init));
        }
        const body = decoded(res);
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.once('close', done);
          return resolve(new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, init));
        }
        const chunks: Buffer[] = [];
        body.on('data', (chunk: Buffer) => chunks.push(chunk));
        body.on('error', (error) => {
          done();
          reject(error);
        });
        res.on('close', () => {
          if (!res.complete) body.destroy(new Error('the response was cut off'));
        });
        body.on('end', () => {
          done();
          const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          resolve(new BufferedResponse(bytes, init, out.url.href));
        });
      });
      req.end(out.body);
    });

  return (input, init = {}) => {
    const body = init.body;
    const plainBody =
      body === undefined ||
      body === null ||
      typeof body === 'string' ||
      body instanceof Uint8Array ||
      body instanceof ArrayBuffer;
    if (input instanceof Request || !plainBody) return fetch(input, init);
    return send(
      {
        url: new URL(input),
        method: (init.method ?? 'GET').toUpperCase(),
        headers: plainHeaders(init.headers),
        body: body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? undefined),
        signal: init.signal ?? undefined,
      },
      0,
    );
  };
}
