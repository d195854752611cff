import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import {
  AddressVerdict,
  classifyAddress,
  classifyHostLiteral,
  describeRefusal,
  isLoopbackHostname,
  isMetadataHostname,
} from './address-classifier';

/** Resolves a host name to its addresses; injectable so tests can simulate DNS rebinding. */
export interface HostResolver {
  resolve(hostname: string): Promise<string[]>;
}

export const systemResolver: HostResolver = {
  async resolve(hostname) {
    const answers = await dnsLookup(hostname, { all: true, verbatim: true });
    return answers.map((a) => a.address);
  },
};

export interface SafeHttpOptions {
  resolver?: HostResolver;
  /** Hosts an operator opened: `host` (any port) or `host:port`. */
  allowHosts?: readonly string[];
  maxRedirects?: number;
  /** false: a redirect is answered as it came, its Location not followed. */
  followRedirects?: boolean;
  maxResponseBytes?: number;
  timeoutMs?: number;
  userAgent?: string;
  signal?: AbortSignal;
}

export interface SafeHttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface SafeHttpResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  redirects: string[];
}

/** A request refused by the SSRF policy; nothing was sent. */
export class SsrfRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SsrfRefused';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SENSITIVE_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * An HTTP client that refuses internal destinations: the scheme and literal host are
 * checked before connecting, every DNS answer is checked inside the socket's `lookup` (so
 * the address checked is the address connected to, with no second resolution to rebind),
 * the socket's remote address is checked again on connect, and every redirect hop goes
 * through the same checks. Redirects, response size and total time are capped.
 */
export async function safeHttpRequest(
  request: SafeHttpRequest,
  options: SafeHttpOptions = {},
): Promise<SafeHttpResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let url = parseUrl(request.url);
  let method = (request.method ?? 'GET').toUpperCase();
  let body = request.body;
  let headers = { ...(request.headers ?? {}) };
  const redirects: string[] = [];
  for (;;) {
    const response = await oneHop(url, method, headers, body, options, signal);
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location || options.followRedirects === false) {
      return { ...response, url: url.toString(), redirects };
    }
    if (redirects.length >= maxRedirects)
      throw new SsrfRefused(`too many redirects (more than ${maxRedirects})`);
    const next = parseUrl(new URL(location, url).toString());
    if (next.origin !== url.origin)
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => !SENSITIVE_HEADERS.includes(k.toLowerCase())),
      );
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
    }
    redirects.push(next.toString());
    url = next;
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SsrfRefused(`not a valid URL: ${text.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SsrfRefused(`the scheme ${url.protocol} is not allowed (only http and https)`);
  return url;
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

export function isAllowListed(url: URL, allowHosts: readonly string[] = []): boolean {
  const host = url.hostname.toLowerCase();
  const withPort = `${host}:${defaultPort(url)}`;
  return allowHosts.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === host || e === withPort;
  });
}

/** Checks a URL before any connection; throws SsrfRefused with the reason. */
export function assertUrlAllowed(url: URL, allowHosts: readonly string[] = []): void {
  if (isAllowListed(url, allowHosts)) return;
  if (isMetadataHostname(url.hostname))
    throw new SsrfRefused(`${url.hostname} is a cloud metadata endpoint`);
  if (isLoopbackHostname(url.hostname)) throw new SsrfRefused(`${url.hostname} is a loopback name`);
  const literal = classifyHostLiteral(url.hostname);
  if (literal && !literal.allowed) throw new SsrfRefused(`refused: ${describeRefusal(literal)}`);
}

function checkResolved(hostname: string, addresses: string[]): AddressVerdict {
  if (!addresses.length) throw new SsrfRefused(`${hostname} did not resolve`);
  const verdicts = addresses.map((a) => classifyAddress(a));
  const bad = verdicts.find((v) => !v.allowed);
  if (bad) throw new SsrfRefused(`refused: ${hostname} resolved to ${describeRefusal(bad)}`);
  return verdicts[0];
}

function oneHop(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: SafeHttpOptions,
  signal: AbortSignal,
): Promise<Omit<SafeHttpResponse, 'url' | 'redirects'>> {
  assertUrlAllowed(url, options.allowHosts);
  const allowListed = isAllowListed(url, options.allowHosts);
  const resolver = options.resolver ?? systemResolver;
  const maxBytes = options.maxResponseBytes ?? 2_000_000;
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolver.resolve(hostname).then(
      (addresses) => {
        try {
          const chosen = allowListed
            ? classifyAddress(addresses[0] ?? '')
            : checkResolved(hostname, addresses);
          const family = chosen.address.includes(':') ? 6 : 4;
          if ((lookupOptions as { all?: boolean }).all)
            (
              callback as unknown as (
                e: null,
                a: Array<{ address: string; family: number }>,
              ) => void
            )(null, [{ address: chosen.address, family }]);
          else callback(null, chosen.address, family);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 0);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
  const requestOptions: RequestOptions = {
    method,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(defaultPort(url)),
    path: `${url.pathname}${url.search}`,
    headers: {
      'user-agent': options.userAgent ?? 'AgentVillage/1.0',
      'accept-encoding': 'identity',
      ...headers,
      ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    },
    lookup,
    agent: false,
    signal,
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(requestOptions, (res) =>
      collect(res, maxBytes).then(resolve, reject),
    );
    req.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        // pin: judge the address actually connected to (IP literals skip lookup entirely)
        if (allowListed) return;
        const verdict = classifyAddress(socket.remoteAddress ?? '');
        if (!verdict.allowed)
          req.destroy(new SsrfRefused(`refused: connected address ${describeRefusal(verdict)}`));
      });
    });
    req.on('error', (error) => {
      if (signal.aborted && !(error instanceof SsrfRefused)) reject(abortedError(url, signal));
      else reject(error);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * A request ended by its time limit (named `TimeoutError`) or by the caller's signal
 * (`AbortError`), so callers can tell a receiver that did not answer from other failures.
 */
function abortedError(url: URL, signal: AbortSignal): Error {
  const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  const error = new Error(`request to ${url.host} ${timedOut ? 'timed out' : 'was cancelled'}`);
  error.name = timedOut ? 'TimeoutError' : 'AbortError';
  return error;
}

function collect(
  res: IncomingMessage,
  maxBytes: number,
): Promise<Omit<SafeHttpResponse, 'url' | 'redirects'>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const done = () =>
      resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks), truncated });
    res.on('data', (chunk: Buffer) => {
      if (truncated) return;
      if (size + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        res.destroy();
        done();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => !truncated && done());
    res.on('error', (error) => (truncated ? undefined : reject(error)));
  });
}
