import { EventEmitter } from 'node:events';
import { currentTransaction } from './ambient-transaction';

/**
 * What went stale: one user's identity or rights, a tenant's roles, one API key, an OAuth
 * client, everything issued under an OAuth grant, one OAuth token, or the signing keys.
 */
export type AccessSignal =
  | { kind: 'user'; tenantId: string; userId: string }
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'key'; keyId: string }
  | { kind: 'oauth-client'; clientId: string }
  | { kind: 'oauth-grant'; grantId: string }
  | { kind: 'oauth-token'; tokenId: string }
  | { kind: 'oauth-keys' };

/** Carries a signal to the other processes; resolves once it is handed to them. */
export type AccessSignalRelay = (signal: AccessSignal) => Promise<void>;

/**
 * Signal that cached identities, sessions, keys or permissions are stale (a role changed, a
 * user was disabled, a key revoked). Listeners in this process drop their entries at once;
 * with a relay (Redis pub/sub in production) the signal has been delivered to every other
 * process's subscription before the returned promise resolves, so a change awaited this way
 * holds everywhere by the time its request answers. Without one, other processes' caches
 * expire by their TTL.
 */
class AccessInvalidation extends EventEmitter {
  private relay?: AccessSignalRelay;

  setRelay(relay: AccessSignalRelay | undefined): void {
    this.relay = relay;
  }

  userChanged(tenantId: string, userId: string): Promise<void> {
    return this.signal({ kind: 'user', tenantId, userId });
  }

  tenantChanged(tenantId: string): Promise<void> {
    return this.signal({ kind: 'tenant', tenantId });
  }

  keyChanged(keyId: string): Promise<void> {
    return this.signal({ kind: 'key', keyId });
  }

  oauthClientChanged(clientId: string): Promise<void> {
    return this.signal({ kind: 'oauth-client', clientId });
  }

  oauthGrantRevoked(grantId: string): Promise<void> {
    return this.signal({ kind: 'oauth-grant', grantId });
  }

  oauthTokenRevoked(tokenId: string): Promise<void> {
    return this.signal({ kind: 'oauth-token', tokenId });
  }

  oauthKeysChanged(): Promise<void> {
    return this.signal({ kind: 'oauth-keys' });
  }

  /** Drops the stale entries in this process only (a signal that came from another one). */
  apply(signal: AccessSignal): void {
    if (signal.kind === 'user') this.emit('user', signal.tenantId, signal.userId);
    else if (signal.kind === 'tenant') this.emit('tenant', signal.tenantId);
    else if (signal.kind === 'key') this.emit('key', signal.keyId);
    else if (signal.kind === 'oauth-client') this.emit('oauth-client', signal.clientId);
    else if (signal.kind === 'oauth-grant') this.emit('oauth-grant', signal.grantId);
    else if (signal.kind === 'oauth-token') this.emit('oauth-token', signal.tokenId);
    else this.emit('oauth-keys');
  }

  private async signal(signal: AccessSignal): Promise<void> {
    // a change not yet committed is not stale anywhere yet: signal it once it is
    const transaction = currentTransaction();
    if (transaction) return transaction.afterCommit(() => this.signal(signal));
    this.apply(signal);
    await this.relay?.(signal);
  }
}

export const accessInvalidation = new AccessInvalidation();
accessInvalidation.setMaxListeners(50);
