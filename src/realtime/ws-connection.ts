import type { WebSocket } from 'ws';
import type { RecheckableConnection } from './credential-recheck';
import type { EventStream } from './event-stream';

/** One client of the gateway: its socket, its authentication, its event stream once authenticated. */
export interface WsConnection extends RecheckableConnection {
  id: string;
  /** Set when the authentication succeeds. */
  stream?: EventStream;
  /** Whether the client answered the last heartbeat ping. */
  alive: boolean;
  /** The tenant it is counted in, once authenticated. */
  countedIn?: string;
}

/** The gateway's open connections, by socket. */
export type WsConnections = ReadonlyMap<WebSocket, WsConnection>;
