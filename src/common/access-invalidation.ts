import { EventEmitter } from 'node:events';

/**
 * In-process signal that cached identities or permissions are stale (a role changed, a user
 * was disabled, a key revoked). Caches in other processes expire by their TTL.
 */
class AccessInvalidation extends EventEmitter {
  userChanged(tenantId: string, userId: string): void {
    this.emit('user', tenantId, userId);
  }

  tenantChanged(tenantId: string): void {
    this.emit('tenant', tenantId);
  }
}

export const accessInvalidation = new AccessInvalidation();
accessInvalidation.setMaxListeners(50);
