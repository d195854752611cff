/**
 * A WebSocket client for measuring fan-out latency (RFC 6455, text frames, no extensions).
 *
 * A thousand of these share the bench's one event loop, where a thousand real clients would
 * each have a machine of their own. A full client library spends about 25 µs per message
 * on that loop (its stream plumbing, validation and events, then the JSON), and a bench
 * that keeps every message makes its own collector pause for tens of milliseconds; either
 * way the bench's own work, not the server's, would set the late deliveries' times. This
 * one reads the two numbers it needs from each event's bytes (its id, and created_at,
 * parsed by the first client of a server to see the event) when the frame arrives, and
 * keeps only those.
 */
import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { acceptToken, readHttpHead } from './ws-handshake';

const CREATED_AT = Buffer.from('"created_at":"');
const QUOTE = 0x22;
const COMPLETED = [Buffer.from('{"event":"goal.completed"'), Buffer.from('{"event":"goal.failed"')];
/**
 * created_at of the events some client of a group has already read, by event id: each of a
 * thousand clients receives every event, and only the first needs to find and parse it.
 * One map per server: event ids are only unique within one database.
 */
export type EventTimes = Map<number, number>;

interface Pending {
  resolve(message: { event: string; data: unknown; id?: unknown }): void;
  reject(error: Error): void;
}

export class WsProbeClient {
  /** Per goal event received since subscribing: read time − created_at, in ms. */
  readonly latencies: number[] = [];
  /** The ids of those events, in the order received. */
  readonly ids: number[] = [];
  /** goal.completed and goal.failed frames seen (recognised by their first bytes). */
  completed = 0;
  private rest: Buffer | undefined;
  private reply: Pending | undefined;
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly createdAtById: EventTimes,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /**
   * Opens /ws on `baseUrl` with the given headers; resolves once the upgrade is accepted.
   * Clients of the same server may share `createdAtById`.
   */
  static async open(
    baseUrl: string,
    headers: Record<string, string>,
    createdAtById: EventTimes = new Map(),
  ): Promise<WsProbeClient> {
    const url = new URL('/ws', baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    const key = randomBytes(16).toString('base64');
    const accept = acceptToken(key);
    const request = [
      `GET ${url.pathname} HTTP/1.1`,
      `Host: ${url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');
    const answered = readHttpHead(socket);
    socket.write(request);
    const { lines, rest: leftover } = await answered;
    const accepted = lines.some(
      (l) => /^sec-websocket-accept:/i.test(l) && l.slice(l.indexOf(':') + 1).trim() === accept,
    );
    if (!lines[0].startsWith('HTTP/1.1 101') || !accepted) {
      socket.destroy();
      throw new Error(`upgrade refused: ${lines[0]}`);
    }
    const client = new WsProbeClient(socket, createdAtById);
    socket.on('data', (chunk: Buffer) => client.read(chunk));
    socket.on('error', () => socket.destroy()); // a reset ends the client like a close does
    if (leftover.length) client.read(leftover);
    return client;
  }

  /**
   * Sends a message and waits for the answer carrying its id (decoded whole, unlike the
   * events that arrive once the client is measuring).
   */
  request(event: string, data: unknown, id: string): Promise<{ event: string; data: unknown }> {
    const answered = new Promise<{ event: string; data: unknown; id?: unknown }>(
      (resolve, reject) => {
        this.reply = { resolve, reject };
        this.socket.once('close', () => reject(new Error(`closed before answering ${event}`)));
      },
    );
    this.send(0x1, Buffer.from(JSON.stringify({ event, data, id })));
    return answered;
  }

  /** Sends a close frame (1000) and resolves when the connection is gone. */
  async close(): Promise<void> {
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    this.send(0x8, code);
    this.socket.end();
    await this.closed;
  }

  private read(chunk: Buffer): void {
    const at = Date.now();
    const buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const available = buffer.length - offset;
      if (available < 2) break;
      const first = buffer[offset];
      let length = buffer[offset + 1] & 0x7f;
      let header = 2;
      if (length === 126) {
        if (available < 4) break;
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (available < 10) break;
        length = Number(buffer.readBigUInt64BE(offset + 2));
        header = 10;
      }
      if (available < header + length) break;
      const payload = buffer.subarray(offset + header, offset + header + length);
      offset += header + length;
      const opcode = first & 0x0f;
      if (opcode === 0x1) this.text(at, payload);
      else if (opcode === 0x9) this.send(0xa, payload); // ping → pong
    }
    this.rest = offset < buffer.length ? buffer.subarray(offset) : undefined;
  }

  private text(at: number, payload: Buffer): void {
    if (this.reply) {
      const message = JSON.parse(payload.toString('utf8')) as {
        event: string;
        data: unknown;
        id?: unknown;
      };
      if (message.id === undefined) return; // the greeting
      const reply = this.reply;
      this.reply = undefined;
      return reply.resolve(message);
    }
    const id = trailingId(payload);
    let createdAt = id ? this.createdAtById.get(id) : undefined;
    if (createdAt === undefined) {
      const start = payload.indexOf(CREATED_AT);
      if (start < 0) return; // not a goal event
      const from = start + CREATED_AT.length;
      createdAt = Date.parse(payload.toString('latin1', from, payload.indexOf(QUOTE, from)));
      if (id) {
        if (this.createdAtById.size >= 100_000) this.createdAtById.clear();
        this.createdAtById.set(id, createdAt);
      }
    }
    this.latencies.push(at - createdAt);
    this.ids.push(id);
    if (COMPLETED.some((prefix) => startsWith(payload, prefix))) this.completed++;
  }

  /** One masked frame, as a client must send them. */
  private send(opcode: number, payload: Buffer): void {
    if (payload.length > 65535) throw new RangeError('probe frames are small');
    const header = payload.length < 126 ? 2 : 4;
    const frame = Buffer.alloc(header + 4 + payload.length);
    frame[0] = 0x80 | opcode;
    if (header === 2) frame[1] = 0x80 | payload.length;
    else {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(payload.length, 2);
    }
    const mask = randomBytes(4);
    mask.copy(frame, header);
    for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
    this.socket.write(frame);
  }
}

/** The number in an envelope's closing `"id":<n>}`, read from its last bytes. */
function trailingId(payload: Buffer): number {
  let id = 0;
  let scale = 1;
  for (let i = payload.length - 2; i >= 0 && payload[i] >= 0x30 && payload[i] <= 0x39; i--) {
    id += (payload[i] - 0x30) * scale;
    scale *= 10;
  }
  return id;
}

function startsWith(payload: Buffer, prefix: Buffer): boolean {
  if (payload.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (payload[i] !== prefix[i]) return false;
  return true;
}
