import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the receiver got it. */
export interface ReceivedRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  /** The body's bytes exactly as sent. */
  raw: Buffer;
  /** The body as UTF-8 text (what the signature covers). */
  body: string;
  /** The parsed body, when it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  json?: any;
  /** X-Webhook-Delivery-ID. */
  deliveryId?: string;
  /** X-Webhook-Event. */
  event?: string;
  receivedAt: number;
  /** The status the receiver answered (undefined while it hangs or when it dropped the request). */
  answered?: number;
}

/** How the receiver answers one request. */
export type ReceiverReply =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string>;
      /** Answers after this long. */
      delayMs?: number;
    }
  /** Never answers (until the receiver stops or `release` is called). */
  | { hang: true }
  /** Closes the connection without answering. */
  | { drop: true };

interface PathScript {
  queue: ReceiverReply[];
  otherwise: ReceiverReply;
}

const OK: ReceiverReply = { status: 200, body: '{"ok":true}' };

/**
 * A webhook receiver on loopback (random port): it records every request (headers, the
 * body's bytes, the time), answers by a script per path (a sequence, then a standing reply;
 * 200 when nothing is scripted) and tells deliveries apart by X-Webhook-Delivery-ID.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** TCP connections accepted (a counting server asserts it saw none). */
  connections = 0;
  private readonly scripts = new Map<string, PathScript>();
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<() => void>();
  private server: Server | undefined;
  private listeners: Array<() => void> = [];
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = raw.toString('utf8');
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const path = (req.url ?? '/').split('?')[0];
        const header = (name: string) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        const record: ReceivedRequest = {
          path,
          method: req.method ?? '',
          headers: req.headers,
          raw,
          body,
          json,
          deliveryId: header('x-webhook-delivery-id'),
          event: header('x-webhook-event'),
          receivedAt: Date.now(),
        };
        this.requests.push(record);
        const reply = this.next(path);
        const answer = () => {
          if ('drop' in reply) {
            req.socket.destroy();
            return;
          }
          if ('hang' in reply) return;
          record.answered = reply.status;
          res.writeHead(reply.status, {
            'content-type': 'application/json',
            ...(reply.headers ?? {}),
          });
          res.end(reply.body ?? '');
        };
        if ('hang' in reply) {
          const release = () => {
            this.hanging.delete(release);
            if (res.writableEnded || req.socket.destroyed) return;
            record.answered = 200;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"ok":true}');
          };
          this.hanging.add(release);
        } else if ('status' in reply && reply.delayMs) setTimeout(answer, reply.delayMs);
        else answer();
        for (const listener of this.listeners) listener();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.hanging.clear();
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `host:port` to allow-list. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /**
   * Scripts a path: `replies` answer the next requests in order, `otherwise` every one
   * after them (200 unless given). Replaces the path's earlier script.
   */
  script(path: string, replies: ReceiverReply[], otherwise: ReceiverReply = OK): void {
    this.scripts.set(path, { queue: [...replies], otherwise });
  }

  /** Answers every request that hangs now with 200. */
  release(): void {
    for (const release of [...this.hanging]) release();
  }

  /** Requests to a path (every one, retries and duplicates included). */
  at(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /**
   * The deliveries a path accepted: per X-Webhook-Delivery-ID the first request it answered
   * with a 2xx, in the order they arrived.
   */
  delivered(path: string): ReceivedRequest[] {
    const seen = new Set<string>();
    const out: ReceivedRequest[] = [];
    for (const r of this.at(path)) {
      if (r.answered === undefined || r.answered < 200 || r.answered > 299) continue;
      const key = r.deliveryId ?? `no-id-${out.length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
    return out;
  }

  /** Resolves once `check` holds over the requests (checked at every request and every 50 ms). */
  async until<T>(
    check: () => T | undefined | false,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        let value: T | undefined | false;
        try {
          value = check();
        } catch (error) {
          finish();
          reject(error as Error);
          return;
        }
        if (value !== undefined && value !== false) {
          finish();
          resolve(value);
        } else if (Date.now() > deadline) {
          finish();
          reject(
            new Error(
              `timed out waiting for ${options.what ?? 'requests'} (${this.requests.length} received)`,
            ),
          );
        }
      };
      const finish = () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        clearInterval(timer);
      };
      this.listeners.push(listener);
      const timer = setInterval(listener, 50);
      listener();
    });
  }

  private next(path: string): ReceiverReply {
    const script = this.scripts.get(path);
    if (!script) return OK;
    return script.queue.shift() ?? script.otherwise;
  }
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  return new WebhookReceiver().start();
}

/** Compares two strings in constant time (false when their lengths differ). */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The product's published verify function for X-Webhook-Signature: HMAC-SHA256 with the
 * whole secret string as key over `${timestamp}.${payload}`, hex, as `sha256=<hex>`; refused
 * when the timestamp is more than `toleranceSeconds` away from now. During a secret rotation
 * the header carries several comma-separated values: any of them verifies.
 */
export function verifyWebhook(
  payload: string,
  signature: string,
  timestamp: string | number,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  const text = String(timestamp).trim();
  if (!/^[-+]?\d+$/.test(text)) return false;
  const ts = Number.parseInt(text, 10);
  if (Math.abs(Date.now() / 1000 - ts) > toleranceSeconds) return false;
  const message = `${ts}.${payload}`;
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(message, 'utf8')
    .digest('hex');
  return signature
    .split(',')
    .map((value) => value.trim().replaceAll('sha256=', ''))
    .some((provided) => safeEqual(expected, provided));
}

/**
 * The Standard Webhooks check: webhook-signature holds space-separated `v1,<base64>` values
 * of HMAC-SHA256 keyed with the base64-decoded secret (after `whsec_`) over
 * `${webhook-id}.${webhook-timestamp}.${payload}`; any of them verifies.
 */
export function verifyStandardWebhook(
  payload: string,
  headers: { id: string; timestamp: string; signature: string },
  secret: string,
  toleranceSeconds = 300,
): boolean {
  if (!/^\d+$/.test(headers.timestamp.trim())) return false;
  const ts = Number.parseInt(headers.timestamp, 10);
  if (Math.abs(Date.now() / 1000 - ts) > toleranceSeconds) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${headers.id}.${ts}.${payload}`, 'utf8')
    .digest('base64');
  return headers.signature
    .split(' ')
    .filter(Boolean)
    .map((value) => {
      const [version, sig] = value.split(',', 2);
      return version === 'v1' ? (sig ?? '') : '';
    })
    .some((provided) => provided !== '' && safeEqual(expected, provided));
}

/** The first value of a header as a string ('' when absent). */
export function headerOf(request: ReceivedRequest, name: string): string {
  const v = request.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** verifyWebhook over a received request's own headers. */
export function verifyReceived(request: ReceivedRequest, secret: string): boolean {
  return verifyWebhook(
    request.body,
    headerOf(request, 'x-webhook-signature'),
    headerOf(request, 'x-webhook-timestamp'),
    secret,
  );
}

/** verifyStandardWebhook over a received request's own headers. */
export function verifyReceivedStandard(request: ReceivedRequest, secret: string): boolean {
  return verifyStandardWebhook(
    request.body,
    {
      id: headerOf(request, 'webhook-id'),
      timestamp: headerOf(request, 'webhook-timestamp'),
      signature: headerOf(request, 'webhook-signature'),
    },
    secret,
  );
}
