import { Foundation1764000000000 } from './1764000000000-foundation';
import { Identity1764100000000 } from './1764100000000-identity';
import { Safety1764200000000 } from './1764200000000-safety';
import { Agents1764300000000 } from './1764300000000-agents';
import { Memory1764400000000 } from './1764400000000-memory';
import { DashboardSettings1764500000000 } from './1764500000000-dashboard-settings';
import { TenantIsolationForNewTables1764600000000 } from './1764600000000-tenant-isolation-for-new-tables';
import { GoalIdempotencyKeys1764700000000 } from './1764700000000-goal-idempotency-keys';
import { GoalStatusQueued1764800000000 } from './1764800000000-goal-status-queued';
import { SessionsAndMfa1764900000000 } from './1764900000000-sessions-and-mfa';
import { RateLimitRules1765100000000 } from './1765100000000-rate-limit-rules';
import { TenantLifecycleAndQuotas1765200000000 } from './1765200000000-tenant-lifecycle-and-quotas';
import { AuditLog1765300000000 } from './1765300000000-audit-log';
import { OAuthServer1765400000000 } from './1765400000000-oauth-server';
import { Sso1765500000000 } from './1765500000000-sso';
import { SamlSessions1765600000000 } from './1765600000000-saml-sessions';
import { Webhooks1765700000000 } from './1765700000000-webhooks';
import { McpServers1765800000000 } from './1765800000000-mcp-servers';

/** Every migration, in order. A landed migration is never edited; add a new one. */
export const MIGRATIONS = [
  Foundation1764000000000,
  Identity1764100000000,
  Safety1764200000000,
  Agents1764300000000,
  Memory1764400000000,
  DashboardSettings1764500000000,
  TenantIsolationForNewTables1764600000000,
  GoalIdempotencyKeys1764700000000,
  GoalStatusQueued1764800000000,
  SessionsAndMfa1764900000000,
  RateLimitRules1765100000000,
  TenantLifecycleAndQuotas1765200000000,
  AuditLog1765300000000,
  OAuthServer1765400000000,
  Sso1765500000000,
  SamlSessions1765600000000,
  Webhooks1765700000000,
  McpServers1765800000000,
];
