import { approvalsServiceSuite } from './approvals/approvals.service.in-product.spec';
import { agentSpawnerQuotaSuite } from './agents/agent-spawner.quota.in-product.spec';
import { goalsServiceSuite } from './governor/goals.service.in-product.spec';
import { goalStepsSuite } from './governor/steps/goal-steps.in-product.spec';
import { quotaServiceSuite } from './quotas/quota.service.in-product.spec';
import { tenantLifecycleSuite } from './tenant-admin/tenant-lifecycle.in-product.spec';
import { tenantPurgeSuite } from './tenant-purge/tenant-purge.service.in-product.spec';
import { sharedInProcessApp } from './testing/in-process-app';
import { webhookOutboxSuite } from './webhooks/webhook-outbox.in-product.spec';

/**
 * The suites that need the whole product (the goal runner with every capability that
 * reacts to a goal) run against one instance of it, on an in-memory PGlite with every
 * migration and the offline model. Each suite lives beside the code it tests, in a file
 * named `*.in-product.spec.ts`, which Jest runs only from here.
 */
describe('the whole product in process', () => {
  const product = sharedInProcessApp({
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1:9',
    WEBHOOK_RETRY_SCALE: '100',
  });
  goalsServiceSuite(product);
  goalStepsSuite(product);
  agentSpawnerQuotaSuite(product);
  quotaServiceSuite(product);
  webhookOutboxSuite(product);
  tenantPurgeSuite(product);
  approvalsServiceSuite(product);
  tenantLifecycleSuite(product);
});
