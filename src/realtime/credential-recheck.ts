import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { accessInvalidation } from '../common/access-invalidation';
import { logFor } from '../observability/logger';
import { CLOSE_CODES } from './protocol';
import { WsAuthenticationFailed, WsAuthenticator, WsIdentity } from './ws-authenticator';

/** What a live connection keeps of its authentication: enough to run it again. */
export interface RecheckableConnection {
  socket: WebSocket;
  request: IncomingMessage;
  identity: Promise<WsIdentity | null>;
}

const log = logFor('RealtimeGateway');

/**
 * Runs the authentication of a user's open connections again after their credentials or
 * rights changed (a password change, a disable, a delete or a role removal ends their
 * sessions): a connection the pipeline now refuses is closed with 4401, the others go on
 * with the user's current rights.
 */
export async function recheckConnectionsOf(
  userId: string,
  connections: Iterable<RecheckableConnection>,
  authenticator: WsAuthenticator,
): Promise<void> {
  for (const connection of [...connections]) {
    const identity = await connection.identity;
    if (!identity || identity.principal.id !== userId) continue;
    try {
      connection.identity = Promise.resolve(await authenticator.authenticate(connection.request));
    } catch (error) {
      if (!(error instanceof WsAuthenticationFailed))
        log.warn('websocket re-authentication failed', { error: (error as Error).message });
      connection.identity = Promise.resolve(null);
      connection.socket.close(CLOSE_CODES.UNAUTHORIZED, 'credentials changed; sign in again');
    }
  }
}

/** Calls `handler` with the id of every user whose identity or rights changed; returns the unsubscribe. */
export function onUserChanged(handler: (userId: string) => void): () => void {
  const listener = (_tenantId: string, userId: string) => handler(userId);
  accessInvalidation.on('user', listener);
  return () => accessInvalidation.off('user', listener);
}
