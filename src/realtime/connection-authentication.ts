import { logFor } from '../observability/logger';
import type { EventFanOut } from './event-fan-out';
import { CLIENT_EVENTS, CLOSE_CODES } from './protocol';
import { WsAuthenticationFailed, WsAuthenticator, WsIdentity } from './ws-authenticator';
import type { WsConnection } from './ws-connection';

const log = logFor('RealtimeGateway');

/**
 * A new connection's way in: the WsAuthenticator hook, then its event stream and the
 * `connected` envelope; a refused connection is closed with 4401.
 */
export class ConnectionAuthentication {
  constructor(
    private readonly authenticator: WsAuthenticator,
    private readonly fanOut: EventFanOut,
  ) {}

  async authenticate(connection: WsConnection): Promise<WsIdentity | null> {
    try {
      const identity = await this.authenticator.authenticate(connection.request);
      connection.stream = this.fanOut.openStream(connection, identity.tenantId);
      this.fanOut.send(connection.socket, {
        event: 'connected',
        data: {
          connection_id: connection.id,
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
        log.warn('websocket authentication hook failed', { error: (error as Error).message });
      connection.socket.close(CLOSE_CODES.UNAUTHORIZED, reason.slice(0, 120));
      return null;
    }
  }
}
