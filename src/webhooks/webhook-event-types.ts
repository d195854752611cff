import type { GoalEventType } from '../events/domain-events';
import type { SecurityEventType } from '../observability/security-events';

/** Every goal event, as the goal event log records them. */
const GOAL_EVENT_TYPES = [
  'goal.created',
  'goal.status',
  'goal.intent',
  'goal.replanning',
  'goal.completed',
  'goal.failed',
  'goal.cancelled',
  'goal.paused',
  'goal.resumed',
  'plan.created',
  'agent.assigned',
  'agent.spawned',
  'agent.completed',
  'agent.failed',
  'agent.retired',
  'task.started',
  'task.progress',
  'task.retrying',
  'task.completed',
  'task.failed',
  'tool.called',
  'critic.verdict',
  'memory.written',
  'memory.retrieved',
  'evolution.assigned',
  'reflection.recorded',
  'approval.required',
  'approval.decided',
  'safety.violation',
  'safety.blocked',
  'auction.awarded',
  'swarm.started',
  'swarm.completed',
  'ledger.stalled',
] as const satisfies readonly GoalEventType[];

/** Every security event (sign-in, MFA, sessions, users, tenants, OAuth). */
const SECURITY_EVENT_TYPES = [
  'auth.logged_in',
  'auth.login_failed',
  'auth.logged_out',
  'auth.rejected',
  'access.denied',
  'rate_limit.exceeded',
  'mfa.challenged',
  'mfa.verified',
  'mfa.failed',
  'mfa.locked',
  'mfa.code_sent',
  'mfa.method_enrolled',
  'mfa.method_confirmed',
  'mfa.method_disabled',
  'mfa.backup_codes_regenerated',
  'mfa.backup_code_used',
  'mfa.reset',
  'session.created',
  'session.rotated',
  'session.elevated',
  'session.revoked',
  'session.locked',
  'session.unlocked',
  'trusted_device.added',
  'trusted_device.revoked',
  'user.created',
  'user.updated',
  'user.deleted',
  'tenant.approved',
  'tenant.suspended',
  'tenant.activated',
  'tenant.deleted',
  'tenant.purged',
  'tenant.tier_changed',
  'oauth.consent_granted',
  'oauth.grant_revoked',
  'oauth.keys_rotated',
] as const satisfies readonly SecurityEventType[];

/** Events of the installation itself and of the webhooks themselves. */
const OWN_EVENT_TYPES = [
  'system.startup',
  'system.shutdown',
  'webhook.disabled',
  'webhook.test',
] as const;

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
// A new goal or security event type fails the build here until it is listed above.
const everyGoalEventListed: Missing<GoalEventType, (typeof GOAL_EVENT_TYPES)[number]> = true;
const everySecurityEventListed: Missing<SecurityEventType, (typeof SECURITY_EVENT_TYPES)[number]> =
  true;
void everyGoalEventListed;
void everySecurityEventListed;

export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...GOAL_EVENT_TYPES,
  ...SECURITY_EVENT_TYPES,
  ...OWN_EVENT_TYPES,
].sort();

export type OwnWebhookEventType = (typeof OWN_EVENT_TYPES)[number];

/** The part before the dot: `goal` of `goal.completed`. */
export const WEBHOOK_EVENT_CATEGORIES: readonly string[] = [
  ...new Set(WEBHOOK_EVENT_TYPES.map((t) => t.slice(0, t.indexOf('.')))),
].sort();

const TYPES = new Set(WEBHOOK_EVENT_TYPES);
const CATEGORIES = new Set(WEBHOOK_EVENT_CATEGORIES);

const SECURITY_TYPES = new Set<string>(SECURITY_EVENT_TYPES);
const SECURITY_CATEGORIES = new Set(SECURITY_EVENT_TYPES.map((t) => t.slice(0, t.indexOf('.'))));

/**
 * The patterns among `patterns` that match security events (`*`, `auth.*`, `user.deleted`,
 * …): who signed in or failed to, from where, whose sessions and roles changed. They are
 * audit material, so subscribing to them takes the permission to read the audit log.
 */
export function securityEventPatterns(patterns: readonly string[]): string[] {
  return patterns.filter(
    (p) =>
      p === '*' ||
      SECURITY_TYPES.has(p) ||
      (p.endsWith('.*') && SECURITY_CATEGORIES.has(p.slice(0, -2))),
  );
}

/** `*`, a known event type, or a known category followed by `.*`. */
export function isEventPattern(pattern: string): boolean {
  if (pattern === '*' || TYPES.has(pattern)) return true;
  return pattern.endsWith('.*') && CATEGORIES.has(pattern.slice(0, -2));
}

/** The same rule as the database's `webhook_event_matches`, for local handlers. */
export function eventMatches(patterns: readonly string[], type: string): boolean {
  const wildcard = `${type.split('.')[0]}.*`;
  return patterns.some((p) => p === '*' || p === type || p === wildcard);
}
