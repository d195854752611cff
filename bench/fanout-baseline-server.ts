/**
 * The floor under bench:realtime: a bare WebSocket fan-out with no product behind it. It
 * accepts upgrades on /ws, acknowledges a subscribe, and on each `burst` message from the
 * bench writes that many event envelopes (stamped with the time of writing) to every
 * client, each the same pre-framed bytes, as the product's gateway does. Run as a child
 * process of the bench, so clients and server have separate event loops.
 */
import { createServer, Socket } from 'node:net';
import { textFrame } from '../src/realtime/ws-frame';
import { acceptToken, readHttpHead } from './ws-handshake';

const CLOSE_1000 = Buffer.from([0x88, 0x02, 0x03, 0xe8]); // a close frame, code 1000
const PADDING = 'x'.repeat(240); // about the size of a goal event's data
const clients = new Set<Socket>();
let nextId = 1;

/** Unmasks the payload of the first client frame in `data` (clients send one small frame). */
function clientText(data: Buffer): string | undefined {
  if (data.length < 6) return undefined;
  let length = data[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = data.readUInt16BE(2);
    offset = 4;
  }
  const mask = data.subarray(offset, offset + 4);
  const payload = Buffer.from(data.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return payload.toString('utf8');
}

async function accept(socket: Socket): Promise<void> {
  socket.setNoDelay(true);
  socket.on('close', () => clients.delete(socket));
  socket.on('error', () => clients.delete(socket));
  const { lines } = await readHttpHead(socket);
  const key = lines.find((l) => /^sec-websocket-key:/i.test(l));
  if (!key) return void socket.destroy();
  const token = acceptToken(key.slice(key.indexOf(':') + 1).trim());
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${token}\r\n\r\n`,
  );
  socket.on('data', (data: Buffer) => {
    const opcode = data[0] & 0x0f;
    if (opcode === 0x8) return void socket.end(CLOSE_1000);
    const text = clientText(data);
    if (!text) return;
    const message = JSON.parse(text) as { event: string; id?: string };
    if (message.event !== 'subscribe') return;
    clients.add(socket);
    socket.write(
      textFrame(Buffer.from(JSON.stringify({ event: 'ack', data: {}, id: message.id }))),
    );
  });
}

function burst(events: number, type: string): void {
  const created = new Date().toISOString();
  const frames = Array.from({ length: events }, () =>
    textFrame(
      Buffer.from(
        JSON.stringify({
          event: type,
          data: { goal_id: 'baseline', seq: nextId, created_at: created, padding: PADDING },
          id: nextId++,
        }),
      ),
    ),
  );
  const bytes = frames.length === 1 ? frames[0] : Buffer.concat(frames);
  for (const socket of clients) socket.write(bytes);
}

const server = createServer((socket) => void accept(socket).catch(() => socket.destroy()));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.send?.({ port: address.port });
});
process.on('message', (message: { burst?: number; type?: string; stop?: boolean }) => {
  if (message.stop) {
    for (const socket of clients) socket.destroy();
    server.close(() => process.exit(0));
    return;
  }
  if (message.burst) burst(message.burst, message.type ?? 'baseline.event');
});
