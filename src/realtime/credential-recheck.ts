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
 * Runs the authentication of the open connections `affected` picks again after their
 * credentials or rights changed (a password change, a disable, a delete or a role removal
 * ends a user's sessions; a key or an OAuth token is revoked; a tenant is suspended): a
 * connection the pipeline now refuses is closed with 4401, the others go on with their
 * current rights.
 */
export async function recheckConnections(
  affected: (identity: WsIdentity) => boolean,
  connections: Iterable<RecheckableConnection>,
  authenticator: WsAuthenticator,
): Promise<void> {
  for (const connection of [...connections]) {
    const identity = await connection.identity;
    if (identity && affected(identity))
      await recheckConnection(connection, authenticator, 'credentials changed; sign in again');
  }
}

/**
 * Runs one connection's authentication again: its new identity, or null when the pipeline
 * now refuses it and the connection is closed with 4401 and `reason`.
 */
export async function recheckConnection(
  connection: RecheckableConnection,
  authenticator: WsAuthenticator,
  reason: string,
): Promise<WsIdentity | null> {
  try {
    const identity = await authenticator.authenticate(connection.request);
    connection.identity = Promise.resolve(identity);
    return identity;
  } catch (error) {
    if (!(error instanceof WsAuthenticationFailed))
      log.warn('websocket re-authentication failed', { error: (error as Error).message });
    connection.identity = Promise.resolve(null);
    connection.socket.close(CLOSE_CODES.UNAUTHORIZED, reason);
    return null;
  }
}

/**
 * Calls `handler` with a test picking the identities an access signal may have changed: a
 * user's, a tenant's, an OAuth client's; every API key one for a key (the signal names the
 * key's public id, which the identity does not hold); every OAuth one for a grant, a token
 * or the signing keys. Returns the unsubscribe.
 */
export function onAccessChanged(
  handler: (affected: (identity: WsIdentity) => boolean) => void,
): () => void {
  const oauth = (identity: WsIdentity) => identity.principal.kind === 'oauth';
  const apiKey = (identity: WsIdentity) => identity.principal.kind === 'api_key';
  const listeners: Record<string, (...args: string[]) => void> = {
    user: (_tenantId, userId) => handler((identity) => identity.principal.id === userId),
    key: () => handler(apiKey),
    tenant: (tenantId) => handler((identity) => identity.tenantId === tenantId),
    'oauth-client': (clientId) =>
      handler((identity) => identity.principal.oauthClientId === clientId),
    'oauth-grant': () => handler(oauth),
    'oauth-token': () => handler(oauth),
    'oauth-keys': () => handler(oauth),
  };
  for (const [event, listener] of Object.entries(listeners)) accessInvalidation.on(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners))
      accessInvalidation.off(event, listener);
  };
}
