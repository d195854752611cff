import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { apiKeyStatements } from '../apikeys/api-key.repository';
import { dashboardReadModelStatements } from '../dashboard/dashboard-read-model.repository';
import { dashboardSettingsStatements } from '../dashboard/dashboard-settings.repository';
import { goalStatements } from '../goal-records/goal.repository';
import { taskStatements } from '../goal-records/task.repository';
import { userStatements } from '../identity/user.repository';
import { platformGaugeStatements } from '../metrics/platform-gauge.repository';
import { roleAssignmentStatements } from '../rbac/role-assignment.repository';
import { roleStatements } from '../rbac/role.repository';
import { agentBidStatements } from '../agents/agent-bid.repository';
import { agentProfileStatements } from '../agents/agent-profile.samples';
import { evolutionReportStatements } from '../evolution/evolution-report.repository';
import { evolutionTrialStatements } from '../evolution/evolution-trial.repository';
import { evolutionVariantStatements } from '../evolution/evolution-variant.repository';
import { learnedGoalStatements } from '../memory/learned-goal.repository';
import { memoryGraphStatements } from '../memory/memory-graph.repository';
import { memoryRetentionStatements } from '../memory/memory-retention.repository';
import { memoryVectorStatements } from '../memory/memory-vector.repository';
import { memoryStatements } from '../memory/memory.repository';
import { goalEventStatements } from '../events/goal-event.repository';
import { llmCallStatements } from '../llm/llm-call.repository';
import { progressLedgerStatements } from '../agents/progress-ledger.repository';
import { approvalStatements } from '../safety/approval.repository';
import { rateLimitRuleStatements } from '../ratelimit/rules/rate-limit-rule.repository';
import { userSessionStatements } from '../sessions/user-session.repository';
import { mfaChallengeStatements } from '../mfa/mfa-challenge.repository';
import { mfaMethodStatements } from '../mfa/mfa-method.repository';
import { trustedDeviceStatements } from '../mfa/trusted-device.repository';
import { tenantStatements } from '../tenancy/tenant.repository';
import { auditEventStatements } from '../audit/audit-event.repository';
import { tenantUsageStatements } from '../quotas/tenant-usage.repository';
import { tenantPurgeStatements } from '../tenant-purge/tenant-purge.repository';
import { effectJournalStatements } from '../tools/effect-journal.repository';
import { goalArtifactStatements } from '../tools/goal-artifact.repository';
import { platformCapabilityStatements } from '../tools/platform-capability.repository';
import { oauthClientStatements } from '../oauth/clients/oauth-client.repository';
import { oauthArtifactStatements } from '../oauth-tokens/oauth-artifact.repository';
import { oauthKeyStatements } from '../oauth-tokens/oauth-key.repository';
import { samlSessionStatements } from '../sso/saml-session.repository';
import { ssoLoginStateStatements } from '../sso/sso-login-state.repository';
import { ssoProviderStatements } from '../sso/sso-provider.repository';
import { webhookDeliveryStatements } from '../webhooks/webhook-delivery.statements';
import { webhookEndpointStatements } from '../webhooks/webhook-endpoint.repository';
import { mcpServerStatements } from '../mcp/client/mcp-server.repository';
import { renderCatalog, type StatementCatalog } from './statement-catalog';

/** Every repository's statements; a new repository adds its catalog here. */
const CATALOGS: StatementCatalog[] = [
  oauthArtifactStatements,
  oauthKeyStatements,
  ssoProviderStatements,
  ssoLoginStateStatements,
  samlSessionStatements,
  tenantStatements,
  auditEventStatements,
  tenantUsageStatements,
  dashboardSettingsStatements,
  approvalStatements,
  goalStatements,
  taskStatements,
  apiKeyStatements,
  userStatements,
  userSessionStatements,
  mfaMethodStatements,
  mfaChallengeStatements,
  trustedDeviceStatements,
  roleStatements,
  roleAssignmentStatements,
  dashboardReadModelStatements,
  platformGaugeStatements,
  effectJournalStatements,
  goalArtifactStatements,
  platformCapabilityStatements,
  agentProfileStatements,
  agentBidStatements,
  evolutionVariantStatements,
  evolutionTrialStatements,
  evolutionReportStatements,
  memoryStatements,
  memoryRetentionStatements,
  memoryVectorStatements,
  memoryGraphStatements,
  learnedGoalStatements,
  goalEventStatements,
  llmCallStatements,
  progressLedgerStatements,
  rateLimitRuleStatements,
  tenantPurgeStatements,
  oauthClientStatements,
  ssoProviderStatements,
  ssoLoginStateStatements,
  webhookEndpointStatements,
  mcpServerStatements,
  webhookDeliveryStatements,
];

const ROOT = join(__dirname, '..', '..');

describe('rendered repository statements (src/**/queries/*.sql)', () => {
  it.each(CATALOGS.map((c) => [c.file, c]))('%s matches its repository', (_file, catalog) => {
    const path = join(ROOT, catalog.file);
    const rendered = renderCatalog(catalog);
    if (process.env.UPDATE_QUERIES === '1') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, rendered);
    }
    let checkedIn = '';
    try {
      checkedIn = readFileSync(path, 'utf8');
    } catch {
      // a missing file fails below with the text it should hold
    }
    expect(checkedIn).toBe(rendered);
  });
});
