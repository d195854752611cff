import type { WebSocket } from 'ws';
import { NotFound } from '#common';
import type { ClientMessageHandler } from './client-message.handler';
import { ConnectionProtocol } from './connection-protocol';
import type { EventStream } from './event-stream';
import type { Envelope } from './protocol';
import type { WsIdentity } from './ws-authenticator';
import type { WsConnection } from './ws-connection';

const identity = { tenantId: 't1', principal: { id: 'u1' } } as unknown as WsIdentity;

function setUp(handle: ClientMessageHandler['handle']) {
  const sent: Envelope[] = [];
  const closed: Array<[number, string]> = [];
  const socket = {
    OPEN: 1,
    readyState: 1,
    close: (code: number, reason: string) => closed.push([code, reason]),
  } as unknown as WebSocket;
  const connection: WsConnection = {
    id: 'c1',
    socket,
    request: {} as WsConnection['request'],
    identity: Promise.resolve(identity),
    stream: {} as EventStream,
    alive: true,
  };
  const protocol = new ConnectionProtocol(
    { WS_MAX_MESSAGE_BYTES: 64, JSON_MAX_DEPTH: 8 },
    { handle },
    { send: (_socket: WebSocket, envelope: Envelope) => void sent.push(envelope) },
  );
  const receive = (text: string, isBinary = false) =>
    protocol.receive(connection, Buffer.from(text), isBinary);
  return { sent, closed, receive, connection };
}

describe('a client message on an authenticated connection', () => {
  it('is answered with an ack carrying the request id', async () => {
    const { sent, receive } = setUp(async () => ({ pong: true }));
    await receive(JSON.stringify({ event: 'ping', id: 7 }));
    expect(sent).toEqual([{ event: 'ack', data: { for: 'ping', pong: true }, id: 7 }]);
  });

  it('gets a problem+json error when the handler throws a domain error', async () => {
    const { sent, receive } = setUp(() => Promise.reject(new NotFound('goal', 'g1')));
    await receive(JSON.stringify({ event: 'ping', id: 'a' }));
    expect(sent[0]).toMatchObject({ event: 'error', id: 'a', data: { for: 'ping', status: 404 } });
  });

  it('refuses binary messages and closes the connection on an oversized one', async () => {
    const { sent, closed, receive } = setUp(async () => ({}));
    await receive('{}', true);
    expect(sent[0]).toMatchObject({ event: 'error', data: { status: 400 } });
    await receive('x'.repeat(65));
    expect(closed).toEqual([[1009, 'message larger than 64 bytes']]);
  });

  it('is ignored when the authentication refused the connection', async () => {
    const { sent, receive, connection } = setUp(async () => ({}));
    connection.identity = Promise.resolve(null);
    await receive(JSON.stringify({ event: 'ping' }));
    expect(sent).toEqual([]);
  });
});
