import { Inject, OnApplicationShutdown } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import { problem, ProblemDocument } from '#common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { runWithContext } from '../common/request-context';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import { GoalEventLog } from '../events/goal-event-log.service';
import { toProblem } from '../http/problem.filter';
import { logFor } from '../observability/logger';
import { MetricsService } from '../metrics/metrics.service';
import { ClientMessageHandler } from './client-message.handler';
import { CoalescingSender } from './coalescing-sender';
import { EventEncoder } from './event-encoder';
import { onUserChanged, recheckConnectionsOf } from './credential-recheck';
import { textFrame } from './ws-frame';
import { EventSequencer } from './event-sequencer';
import { consecutiveRuns, EventStream } from './event-stream';
import { CLIENT_EVENTS, CLOSE_CODES, Envelope, parseClientMessage } from './protocol';
import { WsAuthenticationFailed, WsAuthenticator, WsIdentity } from './ws-authenticator';

interface Connection {
  id: string;
  socket: WebSocket;
  request: IncomingMessage;
  identity: Promise<WsIdentity | null>;
  stream?: EventStream;
  alive: boolean;
}

/** How long an out-of-order event waits for the events before it before the log is read. */
const GAP_WAIT_MS = 100;

/**
 * The WebSocket gateway at /ws: JSON envelopes `{event, data, id}`. Every connection passes
 * the WsAuthenticator hook first; each then gets its own EventStream over the goal event
 * log and the (Redis-bridged) event bus.
 */
@WebSocketGateway({ path: '/ws', maxPayload: 16 * 1024 * 1024 })
export class RealtimeGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  @WebSocketServer() private readonly server?: WsServer;
  private readonly log = logFor('RealtimeGateway');
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly unsubscribe: () => void;
  private readonly stopRechecks: () => void;
  private heartbeat?: NodeJS.Timeout;
  private readonly encoder = new EventEncoder();
  /** Events the sequencer has released since the last fan-out. */
  private released: GoalEventRecord[] = [];
  private readonly sequencer: EventSequencer;
  private readonly sender: CoalescingSender<WebSocket>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: EventBus,
    private readonly eventLog: GoalEventLog,
    private readonly authenticator: WsAuthenticator,
    private readonly metrics: MetricsService,
    private readonly messages: ClientMessageHandler,
  ) {
    this.sender = new CoalescingSender<WebSocket>({
      maxBufferBytes: config.WS_MAX_BUFFER_BYTES,
      overflow: (socket) => {
        const connection = this.connections.get(socket);
        if (connection) this.cutOff(connection, 'send buffer');
      },
      // pre-framed bytes go straight to the TCP socket: one write per client, no framing per client
      write: (socket, frames) => transportOf(socket)?.write(frames),
      delivered: (deliveries, lagsMs) => {
        this.metrics.wsEventsSent.inc(deliveries);
        for (const lag of lagsMs) this.metrics.wsDeliveryLag.observe(lag / 1000);
      },
    });
    this.sequencer = new EventSequencer({
      gapWaitMs: GAP_WAIT_MS,
      fetch: (sample, afterId) => this.eventLog.list(sample.tenant_id, sample.goal_id, afterId),
      emit: (event) => {
        // the events released in one burst of work fan out together, run by run
        if (this.released.push(event) === 1) queueMicrotask(() => this.fanOut());
      },
    });
    this.unsubscribe = this.bus.subscribe((event) => {
      if (this.connections.size > 0) this.sequencer.push(event);
    });
    this.stopRechecks = onUserChanged(
      (userId) => void recheckConnectionsOf(userId, this.connections.values(), this.authenticator),
    );
    if (config.WS_HEARTBEAT_MS > 0) {
      this.heartbeat = setInterval(() => this.ping(), config.WS_HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  get clientCount(): number {
    return this.connections.size;
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection: Connection = {
      id: randomUUID(),
      socket,
      request,
      alive: true,
      identity: this.authenticate(socket, request),
    };
    this.connections.set(socket, connection);
    this.metrics.wsClients.set(this.connections.size);
    socket.on('pong', () => (connection.alive = true));
    // Messages wait for the authentication hook; they are handled in arrival order.
    let inbox: Promise<void> = Promise.resolve();
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      inbox = inbox.then(() => this.receive(connection, raw, isBinary));
    });
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.connections.get(socket);
    connection?.stream?.close();
    this.sender.forget(socket);
    this.connections.delete(socket);
    this.metrics.wsClients.set(this.connections.size);
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
    this.stopRechecks();
    this.sequencer.close();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.fanOut();
    this.sender.flush();
    for (const { socket } of this.connections.values())
      socket.close(CLOSE_CODES.GOING_AWAY, 'server shutting down; resume with your last event id');
  }

  private async authenticate(
    socket: WebSocket,
    request: IncomingMessage,
  ): Promise<WsIdentity | null> {
    const connection = () => this.connections.get(socket)!;
    try {
      const identity = await this.authenticator.authenticate(request);
      const conn = connection();
      conn.stream = new EventStream({
        tenantId: identity.tenantId,
        maxBacklog: this.config.WS_MAX_BACKLOG,
        source: {
          goalEvents: (goalId, after, limit) =>
            this.eventLog.list(identity.tenantId, goalId, after, limit),
          tenantEvents: (after, limit) =>
            this.eventLog.listForTenant(identity.tenantId, after, limit),
          seqAt: (goalId, eventId) => this.eventLog.seqAt(identity.tenantId, goalId, eventId),
        },
        send: (event) => {
          const encoded = this.encoder.event(event);
          return this.sender.send(socket, encoded.frame, encoded.createdAtMs);
        },
        sendRun: (run) => {
          const encoded = this.encoder.run(run);
          return this.sender.send(socket, encoded.frame, encoded.createdAtMs, run.length);
        },
        overflow: () => this.cutOff(conn, 'backlog'),
      });
      this.send(socket, {
        event: 'connected',
        data: {
          connection_id: conn.id,
          tenant_id: identity.tenantId,
          principal: identity.principal,
          client_events: CLIENT_EVENTS,
        },
      });
      return identity;
    } catch (error) {
      const reason =
        error instanceof WsAuthenticationFailed ? error.message : 'authentication failed';
      if (!(error instanceof WsAuthenticationFailed))
        this.log.warn('websocket authentication hook failed', { error: (error as Error).message });
      socket.close(CLOSE_CODES.UNAUTHORIZED, reason.slice(0, 120));
      return null;
    }
  }

  private async receive(connection: Connection, raw: Buffer, isBinary: boolean): Promise<void> {
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
        this.log.error(`websocket ${envelope.event} failed`, { error: (error as Error).message });
      this.reply(connection, envelope, 'error', body);
    }
  }

  private reply(
    connection: Connection,
    request: Envelope | undefined,
    event: 'ack' | 'error',
    data: Record<string, unknown> | ProblemDocument,
  ): void {
    this.send(connection.socket, {
      event,
      data: request ? { for: request.event, ...data } : data,
      ...(request?.id !== undefined ? { id: request.id } : {}),
    });
  }

  private send(socket: WebSocket, envelope: Envelope): void {
    this.sender.send(socket, textFrame(Buffer.from(JSON.stringify(envelope))));
  }

  private cutOff(connection: Connection, what: 'send buffer' | 'backlog'): void {
    connection.stream?.close();
    this.sender.forget(connection.socket);
    this.metrics.wsSlowConsumers.inc();
    this.log.warn('closing a slow websocket client', { connection_id: connection.id, limit: what });
    connection.socket.close(
      CLOSE_CODES.SLOW_CONSUMER,
      `slow consumer: ${what} limit exceeded; reconnect with your last event id`,
    );
  }

  /** Offers the released events to every client, a run of one goal at a time. */
  private fanOut(): void {
    if (!this.released.length) return;
    const runs = consecutiveRuns(this.released);
    this.released = [];
    for (const connection of this.connections.values()) {
      const stream = connection.stream;
      if (stream) for (const run of runs) stream.offerRun(run);
    }
  }

  private ping(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

/**
 * The TCP socket under a ws WebSocket. ws does not expose it in its types; writing to it
 * directly sends bytes framed once for every client.
 */
function transportOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

function badRequest(detail: string): ProblemDocument {
  return problem(400, 'bad-message', 'Bad message', detail);
}
