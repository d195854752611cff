import { Inject, OnApplicationShutdown } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { WebSocket, WebSocketServer as WsServer } from 'ws';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventBus } from '../events/event-bus';
import { GoalEventLog } from '../events/goal-event-log.service';
import { LiveOutput } from '../events/live-output';
import { logFor } from '../observability/logger';
import { MetricsService } from '../metrics/metrics.service';
import { ClientMessageHandler } from './client-message.handler';
import { ConnectionAuthentication } from './connection-authentication';
import { ConnectionProtocol } from './connection-protocol';
import { connectedClients } from '../common/connected-clients';
import { CredentialExpiry } from './credential-expiry';
import { onAccessChanged, recheckConnection, recheckConnections } from './credential-recheck';
import { EventFanOut, SlowConsumerLimit } from './event-fan-out';
import { CLOSE_CODES } from './protocol';
import { WsAuthenticator } from './ws-authenticator';
import type { WsConnection } from './ws-connection';

/**
 * The WebSocket gateway at /ws: the connections' lifecycle. Every connection passes
 * ConnectionAuthentication first, its messages go to ConnectionProtocol, and EventFanOut
 * delivers the goal events to its EventStream; the gateway keeps the connections alive
 * (heartbeat), re-authenticates them when a user's rights change, and cuts off clients
 * that cannot keep up.
 */
@WebSocketGateway({ path: '/ws', maxPayload: 16 * 1024 * 1024 })
export class RealtimeGateway
  implements OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown
{
  @WebSocketServer() private readonly server?: WsServer;
  private readonly log = logFor('RealtimeGateway');
  private readonly connections = new Map<WebSocket, WsConnection>();
  private readonly stopRechecks: () => void;
  private readonly expiry: CredentialExpiry<WsConnection>;
  private heartbeat?: NodeJS.Timeout;
  private readonly fanOut: EventFanOut;
  private readonly authentication: ConnectionAuthentication;
  private readonly protocol: ConnectionProtocol;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    bus: EventBus,
    eventLog: GoalEventLog,
    private readonly authenticator: WsAuthenticator,
    private readonly metrics: MetricsService,
    messages: ClientMessageHandler,
    live: LiveOutput,
  ) {
    this.fanOut = new EventFanOut({
      config,
      bus,
      eventLog,
      live,
      metrics,
      connections: this.connections,
      slowConsumer: (connection, limit) => this.cutOff(connection, limit),
    });
    this.authentication = new ConnectionAuthentication(authenticator, this.fanOut);
    this.protocol = new ConnectionProtocol(config, messages, this.fanOut);
    this.expiry = new CredentialExpiry((connection) =>
      recheckConnection(connection, authenticator, 'credentials expired; sign in again'),
    );
    this.stopRechecks = onAccessChanged(
      (affected) =>
        void recheckConnections(affected, this.connections.values(), this.authenticator),
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
    const connection: WsConnection = {
      id: randomUUID(),
      socket,
      request,
      alive: true,
      identity: Promise.resolve(null),
    };
    connection.identity = this.authentication.authenticate(connection);
    void connection.identity.then((identity) => {
      if (!this.connections.has(socket)) return;
      this.expiry.watch(connection, identity);
      if (identity) connectedClients.add((connection.countedIn = identity.tenantId));
    });
    this.connections.set(socket, connection);
    this.metrics.wsClients.set(this.connections.size);
    socket.on('pong', () => (connection.alive = true));
    // Messages wait for the authentication hook; they are handled in arrival order.
    let inbox: Promise<void> = Promise.resolve();
    socket.on('message', (raw: Buffer, isBinary: boolean) => {
      inbox = inbox.then(() => this.protocol.receive(connection, raw, isBinary));
    });
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.connections.get(socket);
    connection?.stream?.close();
    if (connection) this.expiry.forget(connection);
    if (connection?.countedIn) connectedClients.remove(connection.countedIn);
    this.fanOut.forget(socket);
    this.connections.delete(socket);
    this.metrics.wsClients.set(this.connections.size);
  }

  onApplicationShutdown(): void {
    this.stopRechecks();
    this.expiry.close();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.fanOut.close();
    for (const { socket } of this.connections.values())
      socket.close(CLOSE_CODES.GOING_AWAY, 'server shutting down; resume with your last event id');
  }

  private cutOff(connection: WsConnection, limit: SlowConsumerLimit): void {
    connection.stream?.close();
    this.fanOut.forget(connection.socket);
    this.metrics.wsSlowConsumers.inc();
    this.log.warn('closing a slow websocket client', { connection_id: connection.id, limit });
    connection.socket.close(
      CLOSE_CODES.SLOW_CONSUMER,
      `slow consumer: ${limit} limit exceeded; reconnect with your last event id`,
    );
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
