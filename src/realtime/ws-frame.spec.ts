import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from './ws-frame';

describe('textFrame', () => {
  it.each([0, 5, 125, 126, 65535, 65536, 200000])(
    'frames a %d-byte payload so that a WebSocket client reads it back',
    async (size) => {
      const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await once(server, 'listening');
      const payload = Buffer.from('é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2));
      server.on('connection', (socket) => {
        // written under ws, as the gateway does
        (socket as unknown as { _socket: { write(b: Buffer): void } })._socket.write(
          textFrame(payload),
        );
      });
      const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const [data, isBinary] = (await once(client, 'message')) as [Buffer, boolean];
      expect(isBinary).toBe(false);
      expect(data.toString()).toBe(payload.toString());
      client.close();
      await new Promise((resolve) => server.close(resolve));
    },
  );
});
