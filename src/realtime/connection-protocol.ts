import { problem, ProblemDocument } from '#common';
import type { AppConfig } from '../config/app-config';
import { runWithContext } from '../common/request-context';
import { toProblem } from '../http/problem.filter';
import { logFor } from '../observability/logger';
import type { ClientMessageHandler } from './client-message.handler';
import type { EventFanOut } from './event-fan-out';
import { Envelope, parseClientMessage } from './protocol';
import type { WsConnection } from './ws-connection';

const log = logFor('RealtimeGateway');

/**
 * A client's messages once it is authenticated: JSON text envelopes `{event, data, id}`
 * within the size limit, each handled in the client's request context and answered with
 * an `ack` or a problem+json `error` carrying the request's id.
 */
export class ConnectionProtocol {
  constructor(
    private readonly config: Pick<AppConfig, 'WS_MAX_MESSAGE_BYTES' | 'JSON_MAX_DEPTH'>,
    private readonly messages: Pick<ClientMessageHandler, 'handle'>,
    private readonly fanOut: Pick<EventFanOut, 'send'>,
  ) {}

  async receive(connection: WsConnection, raw: Buffer, isBinary: boolean): Promise<void> {
    const identity = await connection.identity;
    if (!identity || connection.socket.readyState !== connection.socket.OPEN) return;
    if (isBinary)
      return this.reply(
        connection,
        undefined,
        'error',
        badRequest('binary messages are not accepted; send JSON text'),
      );
    if (raw.length > this.config.WS_MAX_MESSAGE_BYTES) {
      connection.socket.close(
        1009,
        `message larger than ${this.config.WS_MAX_MESSAGE_BYTES} bytes`,
      );
      return;
    }
    const message = parseClientMessage(raw.toString('utf8'), this.config.JSON_MAX_DEPTH);
    if (!message.ok) return this.reply(connection, message.envelope, 'error', message.problem);
    const envelope = message.envelope;
    const context = {
      requestId: connection.id,
      tenantId: identity.tenantId,
      principal: identity.principal,
    };
    try {
      const result = await runWithContext(context, () =>
        this.messages.handle(connection.stream!, identity, envelope.event, envelope.data),
      );
      this.reply(connection, envelope, 'ack', result);
    } catch (error) {
      const body = toProblem(error, '/ws');
      if (body.status >= 500)
        log.error(`websocket ${envelope.event} failed`, { error: (error as Error).message });
      this.reply(connection, envelope, 'error', body);
    }
  }

  private reply(
    connection: WsConnection,
    request: Envelope | undefined,
    event: 'ack' | 'error',
    data: Record<string, unknown> | ProblemDocument,
  ): void {
    this.fanOut.send(connection.socket, {
      event,
      data: request ? { for: request.event, ...data } : data,
      ...(request?.id !== undefined ? { id: request.id } : {}),
    });
  }
}

function badRequest(detail: string): ProblemDocument {
  return problem(400, 'bad-message', 'Bad message', detail);
}
