import { createContext, useContext } from 'react';
import type { DashboardConfig, Me } from '../api/types';

export interface Session {
  me: Me;
  /** The tenant's portal settings (title, refresh interval, theme, overview panels). */
  config: DashboardConfig;
  signOut(): Promise<void>;
  /** The session ended elsewhere (a 401, a session ended in the list): back to the sign-in. */
  signedOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in user's session; only pages inside the signed-in shell call it. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in shell');
  return session;
}
