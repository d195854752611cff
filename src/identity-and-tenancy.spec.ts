import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeysModule } from './apikeys/api-keys.module';
import { auditLogSuite } from './audit/audit-log.in-product.spec';
import { AuditModule } from './audit/audit.module';
import { dashboardReadModelSuite } from './dashboard/dashboard-read-model.repository.in-product.spec';
import { identityRepositoriesSuite } from './identity/identity-repositories.in-product.spec';
import { IdentityModule } from './identity/identity.module';
import { mfaVerifierSuite } from './mfa/mfa-verifier.in-product.spec';
import { MfaModule } from './mfa/mfa.module';
import { OAuthClientsModule } from './oauth/clients/oauth-clients.module';
import { oauthClientsServiceSuite } from './oauth/clients/oauth-clients.service.in-product.spec';
import { RbacModule } from './rbac/rbac.module';
import { SessionsModule } from './sessions/sessions.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { tenantsServiceSuite } from './tenancy/tenants.service.in-product.spec';
import { sharedInProcessApp } from './testing/in-process-app';

/**
 * Identity, tenancy and the audit log in process: their suites share one application of
 * just these capabilities, on an in-memory PGlite with every migration. Each suite lives
 * beside the code it tests, in a file named `*.in-product.spec.ts`, which Jest runs only
 * from a spec like this one.
 */
describe('identity, tenancy and audit in process', () => {
  const product = sharedInProcessApp(
    {
      // the audit suite reads the file copy and relies on these retention periods
      AUDIT_FILE_PATH: join(tmpdir(), `av-audit-${process.pid}-${Date.now()}.jsonl`),
      AUDIT_RETENTION_DAYS: '0',
      AUDIT_RETENTION_SECURITY_DAYS: '365',
      // the tenants suite checks the purge date of a deleted tenant against it
      TENANT_RETENTION_DAYS: '7',
      MFA_ENCRYPTION_KEY: 'ab'.repeat(32),
      MFA_MAX_ATTEMPTS: '3',
    },
    {
      imports: [
        TenancyModule,
        IdentityModule,
        SessionsModule,
        RbacModule,
        ApiKeysModule,
        MfaModule,
        OAuthClientsModule,
        AuditModule,
      ],
    },
  );
  tenantsServiceSuite(product);
  dashboardReadModelSuite(product);
  identityRepositoriesSuite(product);
  mfaVerifierSuite(product);
  oauthClientsServiceSuite(product);
  auditLogSuite(product);
});
