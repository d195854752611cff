import { uuidv7 } from '#common';
import { inOneStatement } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { consumeUsage } from '../quotas/tenant-usage.repository';
import type { InProcessApp } from './in-process-app';

/**
 * Stores a goal of `tenantId` in RECEIVED, as a submission does (its row, its
 * `goal.created` event, its count against the daily quota), without queueing it: only the
 * test moves it. Answers its id.
 */
export async function insertReceivedGoal(
  product: InProcessApp,
  tenantId: string,
  text: string,
): Promise<string> {
  const id = uuidv7();
  await inOneStatement(product.dataSource, (uow) =>
    product.app.get(GoalEventLog).appendWithGoalSubmission(
      uow,
      {
        id,
        tenant_id: tenantId,
        title: text,
        goal: text,
        status: 'queued',
        state: 'RECEIVED',
        requested_pattern: null,
        priority: 5,
        metadata: {},
        created_by: null,
        idempotency_key: null,
      },
      [{ type: 'goal.created', data: { title: text, priority: 5, requested_pattern: null } }],
      (qc, unlessReplay) =>
        qc.with(
          'admitted',
          consumeUsage(
            { tenantId, resource: 'goals_per_day', window: 'day', amount: 1, limit: null },
            unlessReplay,
          ),
        ),
    ),
  );
  return id;
}
