import { createContext, useContext } from 'react';

export type Connection = 'connecting' | 'live' | 'offline' | 'signed out';

/** One event of the tenant's stream, as the WebSocket delivers it. */
export interface LiveEvent {
  /** The stream position (resume from it), absent for control messages. */
  id?: number;
  event: string;
  data: Record<string, unknown>;
  /** When this page received it. */
  at: Date;
}

export interface Live {
  connection: Connection;
  /** The latest events, oldest first (at most a few hundred). */
  events: LiveEvent[];
  clearEvents(): void;
  /** The answers running tasks are writing now (task id → text so far), from `task.output.delta`. */
  outputs: ReadonlyMap<string, string>;
  /** A request over the socket (`goal.submit`, ...): its ack's data, or the error's detail. */
  request<T>(event: string, data: unknown): Promise<T>;
  /** Whether `request` can be used now. */
  isOpen(): boolean;
}

export const LiveContext = createContext<Live | null>(null);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside the signed-in shell');
  return live;
}
