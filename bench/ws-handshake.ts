/** The HTTP side of a WebSocket handshake, shared by the bench's probe client and baseline server. */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value for a handshake's Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptToken(key: string): string {
  return createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
}

/**
 * Reads a socket up to the end of an HTTP head: its lines, and the bytes that came after
 * it (frames sent right behind the head). Rejects if the socket fails first.
 */
export function readHttpHead(socket: Socket): Promise<{ lines: string[]; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve({
        lines: head.subarray(0, end).toString('latin1').split('\r\n'),
        rest: head.subarray(end + 4),
      });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
