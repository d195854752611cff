import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import { currentTransaction } from '../common/ambient-transaction';
import type { GoalEventRecord } from '../events/domain-events';
import { EventBus } from '../events/event-bus';
import {
  securityEvents,
  type SecurityEvent,
  type SecurityEventType,
} from '../observability/security-events';
import type { AuditCategory, AuditOutcome, AuditSeverity } from './audit-event';
import { AuditWriter } from './audit-writer';

interface Classification {
  category: AuditCategory;
  outcome?: AuditOutcome;
  severity?: AuditSeverity;
}

/** How each security event enters the audit log. */
export function classifySecurityEvent(type: SecurityEventType): Classification {
  switch (type) {
    case 'auth.login_failed':
    case 'auth.rejected':
    case 'mfa.failed':
      return { category: 'AUTHENTICATION', outcome: 'FAILURE', severity: 'WARNING' };
    case 'mfa.locked':
      return { category: 'SECURITY', outcome: 'FAILURE', severity: 'ERROR' };
    case 'mfa.challenged':
      return { category: 'AUTHENTICATION', outcome: 'PENDING' };
    case 'access.denied':
      return { category: 'SECURITY', outcome: 'FAILURE', severity: 'WARNING' };
    case 'rate_limit.exceeded':
      return { category: 'SECURITY', outcome: 'FAILURE', severity: 'WARNING' };
    case 'session.elevated':
    case 'oauth.consent_granted':
      return { category: 'AUTHORIZATION' };
    case 'oauth.grant_revoked':
    case 'oauth.keys_rotated':
      return { category: 'SECURITY' };
    case 'session.locked':
    case 'session.unlocked':
    case 'session.revoked':
    case 'mfa.reset':
    case 'mfa.method_disabled':
    case 'trusted_device.added':
    case 'trusted_device.revoked':
      return { category: 'SECURITY' };
    case 'tenant.approved':
    case 'tenant.activated':
    case 'tenant.tier_changed':
      return { category: 'TENANT' };
    case 'tenant.suspended':
    case 'tenant.deleted':
    case 'tenant.purged':
      return { category: 'TENANT', severity: 'WARNING' };
    default:
      return { category: 'AUTHENTICATION' };
  }
}

/** How each goal event enters the audit log (the rest are progress, not audit). */
const GOAL_EVENTS: Partial<Record<string, Classification>> = {
  'goal.created': { category: 'GOAL' },
  'goal.completed': { category: 'GOAL' },
  'goal.failed': { category: 'GOAL', outcome: 'FAILURE', severity: 'WARNING' },
  'goal.cancelled': { category: 'GOAL' },
  'goal.paused': { category: 'GOAL' },
  'goal.resumed': { category: 'GOAL' },
  'approval.required': { category: 'GOAL', outcome: 'PENDING' },
  'agent.spawned': { category: 'AGENT' },
  'agent.retired': { category: 'AGENT' },
  'safety.violation': { category: 'SECURITY', outcome: 'FAILURE', severity: 'WARNING' },
};

/**
 * Records, without a call in each module, what the modules already announce: security
 * events (sign-in, MFA, sessions, refusals, rate limits, tenants) and the goal events of
 * goals, agents and safety committed in this process (each process records its own, so
 * none is recorded twice).
 */
@Injectable()
export class AuditRecorder implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;
  private readonly onSecurityEvent = (event: SecurityEvent) => this.security(event);

  constructor(
    private readonly writer: AuditWriter,
    private readonly bus: EventBus,
  ) {}

  onModuleInit(): void {
    if (!this.writer.enabled) return;
    securityEvents.on('event', this.onSecurityEvent);
    this.unsubscribe = this.bus.subscribe((event, origin) => {
      if (origin === 'local') this.goal(event);
    });
  }

  onModuleDestroy(): void {
    securityEvents.off('event', this.onSecurityEvent);
    this.unsubscribe?.();
  }

  private security(event: SecurityEvent): void {
    // the audit interceptor records every change of a user, with the fields changed
    if (event.type.startsWith('user.')) return;
    const transaction = currentTransaction();
    if (transaction) transaction.afterCommit(() => this.recordSecurity(event));
    else this.recordSecurity(event);
  }

  private recordSecurity(event: SecurityEvent): void {
    const how = classifySecurityEvent(event.type);
    const actorId = event.actorId ?? event.userId;
    this.writer.record({
      tenantId: event.tenantId ?? DEFAULT_TENANT_ID,
      occurredAt: event.at,
      category: how.category,
      eventType: event.type,
      severity: how.severity,
      outcome: how.outcome,
      actor: { id: actorId ?? null, type: actorId ? 'user' : 'anonymous', ip: event.ip ?? null },
      resource: event.userId
        ? { type: 'user', id: event.userId }
        : event.sessionId
          ? { type: 'session', id: event.sessionId }
          : undefined,
      details: {
        ...(event.details ?? {}),
        ...(event.sessionId ? { session_id_ref: event.sessionId } : {}),
      },
      tags: ['security-event'],
    });
  }

  private goal(event: GoalEventRecord): void {
    const how = GOAL_EVENTS[event.type];
    if (!how) return;
    const data = event.data as Record<string, unknown>;
    const agentId = typeof data.agent_id === 'string' ? data.agent_id : undefined;
    this.writer.record({
      tenantId: event.tenant_id,
      occurredAt: new Date(event.created_at),
      category: how.category,
      eventType: event.type,
      severity: how.severity,
      outcome: how.outcome,
      actor: { id: 'governor', type: 'system' },
      resource: agentId ? { type: 'agent', id: agentId } : { type: 'goal', id: event.goal_id },
      details: {
        goal_id: event.goal_id,
        ...(event.task_id ? { task_id: event.task_id } : {}),
        ...data,
      },
      tags: ['goal-event'],
    });
  }
}
