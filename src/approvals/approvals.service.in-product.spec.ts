import { uuidv7 } from '#common';
import { GoalStore } from '../governor/goal-store.service';
import { GoalsService } from '../governor/goals.service';
import { ApprovalRepository } from '../safety/approval.repository';
import { TenantsService } from '../tenancy/tenants.service';
import type { InProcessApp } from '../testing/in-process-app';
import { insertReceivedGoal } from '../testing/received-goal';
import { ApprovalsService } from './approvals.service';

/** Approval expiry and cancellation on goals no runner drives, on an in-memory PGlite. */
export function approvalsServiceSuite(product: InProcessApp): void {
  describe('approvals in process (in-memory PGlite)', () => {
    /** A goal of the tenant held for a human on one request that expired a minute ago. */
    async function heldGoal(tenantId: string, status: 'awaiting_approval' | 'paused') {
      const id = await insertReceivedGoal(product, tenantId, 'Run the numbers.');
      await product.dataSource.query(
        `UPDATE goals SET state = 'AWAITING_APPROVAL', status = $2 WHERE id = $1`,
        [id, status],
      );
      const approvalId = await product.app
        .get(ApprovalRepository)
        .insertPending(product.dataSource, {
          id: uuidv7(),
          tenant_id: tenantId,
          goal_id: id,
          task_id: uuidv7(),
          task_key: 't1',
          plan_version: 1,
          action_fingerprint: `execute_python:${id}`,
          tool: 'execute_python',
          args: JSON.stringify({ code: 'print(1)' }),
          reason: 'code execution',
          resume_state: 'EXECUTING',
          expires_at: new Date(Date.now() - 60_000),
        });
      return { goalId: id, approvalId: approvalId! };
    }

    it("a suspended tenant's paused goal keeps its request and does not hold up the others' expiry", async () => {
      const tenants = product.app.get(TenantsService);
      const suspended = await tenants.create({ slug: 'expiry-suspended', name: 'Suspended' });
      const active = await tenants.create({ slug: 'expiry-active', name: 'Active' });
      const paused = await heldGoal(suspended.id, 'paused');
      const waiting = await heldGoal(active.id, 'awaiting_approval');

      await product.app.get(ApprovalsService).expireDue();

      const approvals = product.app.get(ApprovalRepository);
      const store = product.app.get(GoalStore);
      const [expired] = await approvals.ofGoal(product.dataSource, active.id, waiting.goalId);
      expect(expired).toMatchObject({ status: 'expired', decided_by: 'system' });
      expect((await store.get(active.id, waiting.goalId)).state).not.toBe('AWAITING_APPROVAL');
      const [kept] = await approvals.ofGoal(product.dataSource, suspended.id, paused.goalId);
      expect(kept.status).toBe('pending');
      expect(await store.get(suspended.id, paused.goalId)).toMatchObject({
        status: 'paused',
        state: 'AWAITING_APPROVAL',
      });
    });

    it('cancelling a goal held for a human supersedes its pending request', async () => {
      const tenant = await product.app
        .get(TenantsService)
        .create({ slug: 'cancel-held', name: 'Cancel held' });
      const held = await heldGoal(tenant.id, 'awaiting_approval');
      await product.dataSource.query(
        `UPDATE approvals SET expires_at = now() + interval '1 hour' WHERE id = $1`,
        [held.approvalId],
      );
      const cancelled = await product.app.get(GoalsService).cancel(tenant.id, held.goalId);
      expect(cancelled.status).toBe('cancelled');
      const [approval] = await product.app
        .get(ApprovalRepository)
        .ofGoal(product.dataSource, tenant.id, held.goalId);
      expect(approval.status).toBe('superseded');
    });
  });
}
