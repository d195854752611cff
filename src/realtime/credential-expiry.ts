import type { RecheckableConnection } from './credential-recheck';
import type { WsIdentity } from './ws-authenticator';

/** The longest delay a Node timer takes; a later expiry is looked at again after it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes a connection when its credential expires (the API key's or the access token's
 * expiry, the session's absolute end): at that moment the connection's authentication runs
 * again, which refuses it (4401), or, if the credential was extended meanwhile, watches the
 * new expiry.
 */
export class CredentialExpiry<C extends RecheckableConnection> {
  private readonly timers = new Map<C, NodeJS.Timeout>();

  constructor(private readonly recheck: (connection: C) => Promise<WsIdentity | null>) {}

  watch(connection: C, identity: WsIdentity | null): void {
    this.forget(connection);
    const expiresAt = identity?.expiresAt?.getTime();
    if (expiresAt === undefined) return;
    // a millisecond past the expiry: the credential checks compare `expiry <= now`
    const delay = Math.min(Math.max(0, expiresAt - Date.now() + 1), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(connection);
      void this.recheck(connection).then((renewed) => {
        if (renewed) this.watch(connection, renewed);
      });
    }, delay);
    timer.unref();
    this.timers.set(connection, timer);
  }

  forget(connection: C): void {
    clearTimeout(this.timers.get(connection));
    this.timers.delete(connection);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
