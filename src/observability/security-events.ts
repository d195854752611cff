import { EventEmitter } from 'node:events';
import { logFor } from './logger';

/** Every sign-in, second-factor, session and tenant lifecycle change, named `resource.past_tense`. */
export type SecurityEventType =
  | 'auth.logged_in'
  | 'auth.login_failed'
  | 'auth.logged_out'
  | 'auth.rejected'
  | 'access.denied'
  | 'rate_limit.exceeded'
  | 'mfa.challenged'
  | 'mfa.verified'
  | 'mfa.failed'
  | 'mfa.locked'
  | 'mfa.code_sent'
  | 'mfa.method_enrolled'
  | 'mfa.method_confirmed'
  | 'mfa.method_disabled'
  | 'mfa.backup_codes_regenerated'
  | 'mfa.backup_code_used'
  | 'mfa.reset'
  | 'session.created'
  | 'session.rotated'
  | 'session.elevated'
  | 'session.revoked'
  | 'session.locked'
  | 'session.unlocked'
  | 'trusted_device.added'
  | 'trusted_device.revoked'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'tenant.approved'
  | 'tenant.suspended'
  | 'tenant.activated'
  | 'tenant.deleted'
  | 'tenant.purged'
  | 'tenant.tier_changed'
  | 'oauth.consent_granted'
  | 'oauth.grant_revoked'
  | 'oauth.keys_rotated';

/**
 * One security-relevant fact, ready for an audit trail: who did it (`actorId`, absent for
 * an anonymous attempt), to whom (`userId`), in which tenant, from where, and the
 * event's own details. Never carries a secret, token or code.
 */
export interface SecurityEvent {
  type: SecurityEventType;
  tenantId?: string;
  userId?: string;
  actorId?: string;
  sessionId?: string;
  ip?: string;
  details?: Record<string, string | number | boolean | null>;
  at: Date;
}

const log = logFor('Security');

/**
 * Process-wide publisher of security events. Listeners (the audit trail, metrics) attach
 * with `on('event', ...)`; every event is also written to the log at info level.
 */
class SecurityEvents extends EventEmitter {
  publish(event: Omit<SecurityEvent, 'at'>): void {
    const full: SecurityEvent = { ...event, at: new Date() };
    log.info(full.type, {
      tenant_id: full.tenantId,
      user_id: full.userId,
      actor_id: full.actorId,
      session_id: full.sessionId,
      ip: full.ip,
      ...full.details,
    });
    this.emit('event', full);
  }
}

export const securityEvents = new SecurityEvents();
securityEvents.setMaxListeners(50);
