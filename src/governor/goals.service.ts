import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict, DEFAULT_PAGE_LIMIT, PayloadTooLarge, uuidv7, ValidationFailed } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inOneStatement, inTransaction } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { LlmCallRepository } from '../llm/llm-call.repository';
import { logFor } from '../observability/logger';
import { HookManager } from '../hooks/hook-manager';
import { JOB_QUEUE, JobQueue, RUN_GOAL_JOB, RunGoalJob } from '../queue/job-queue';
import type { CreateGoalDto } from './dto/create-goal.dto';
import { isTerminal } from '../goal-records/goal-fsm';
import { GoalRunner } from './goal-runner';
import { QuotaService } from '../quotas/quota.service';
import { consumeUsage } from '../quotas/tenant-usage.repository';
import { GoalStore } from './goal-store.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { WorkDispatcher } from '../workers/dispatch/work-dispatcher';
import { TaskRepository } from '../goal-records/task.repository';
import { ApprovalRepository } from '../safety/approval.repository';
import { eventView, goalView, taskView } from './goal-views';
import { GoalRefusedByPlugin } from './goal-refused.error';
import { IdempotencyKeyReused, replayDifferences } from './idempotent-replay';

/** The goal use cases behind the REST API (and later the WebSocket gateway). */
@Injectable()
export class GoalsService {
  private readonly log = logFor('GoalsService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly dataSource: DataSource,
    private readonly store: GoalStore,
    private readonly goals: GoalRepository,
    private readonly taskRows: TaskRepository,
    private readonly eventLog: GoalEventLog,
    private readonly llmCalls: LlmCallRepository,
    private readonly runner: GoalRunner,
    private readonly quotas: QuotaService,
    private readonly dispatcher: WorkDispatcher,
    private readonly hooks: HookManager,
    private readonly approvals: ApprovalRepository,
  ) {}

  async submit(
    tenantId: string,
    input: CreateGoalDto,
    createdBy: string | null,
    idempotencyKey?: string,
  ): Promise<{ goal_id: string; status: string }> {
    let text = input.goal.trim();
    if (!text) throw new ValidationFailed([{ field: 'goal', message: 'must not be blank' }]);
    // a title given is one meant: blank is a mistake, not a request to derive one
    if (input.title !== undefined && !input.title.trim())
      throw new ValidationFailed([{ field: 'title', message: 'must not be blank' }]);
    if (text.length > this.config.GOAL_MAX_CHARS)
      throw new PayloadTooLarge('goal', this.config.GOAL_MAX_CHARS);
    let metadata = input.metadata ?? {};
    if (this.hooks.has('goal.before_create')) {
      const outcome = await this.hooks.emit('goal.before_create', tenantId, {
        text,
        metadata,
        title: input.title ?? null,
        priority: input.priority ?? 5,
        pattern: input.pattern ?? null,
        created_by: createdBy,
      });
      if (outcome.cancelled)
        throw new GoalRefusedByPlugin(outcome.cancelled.plugin, outcome.cancelled.reason);
      ({ text, metadata } = outcome.payload);
      text = text.trim();
      if (text.length > this.config.GOAL_MAX_CHARS)
        throw new PayloadTooLarge('goal', this.config.GOAL_MAX_CHARS);
    }
    const id = uuidv7();
    const title = input.title?.trim() || deriveTitle(text);
    // the goal, its goal.created event and the day's goal count: one statement, so a
    // submission the quota refuses leaves nothing behind, and the tenant's counter row is
    // locked only while the database runs it (not across round trips to this process)
    const admission = await this.quotas.admission(tenantId, 'goals_per_day', 1);
    const outcome = await inOneStatement(this.dataSource, (uow) =>
      this.eventLog.appendWithGoalSubmission(
        uow,
        {
          id,
          tenant_id: tenantId,
          title,
          goal: text,
          status: 'queued',
          state: 'RECEIVED',
          requested_pattern: input.pattern ?? null,
          priority: input.priority ?? 5,
          metadata,
          created_by: createdBy,
          idempotency_key: idempotencyKey ?? null,
        },
        [
          {
            type: 'goal.created',
            data: {
              title,
              priority: input.priority ?? 5,
              requested_pattern: input.pattern ?? null,
            },
          },
        ],
        (qc, unlessReplay) => qc.with('admitted', consumeUsage(admission.use, unlessReplay)),
      ),
    );
    if (!outcome.stored) {
      // the same request again (its first answer was lost), or at the same moment: counted
      // by both, the one that lost gives its use back; one refused while the others' uses
      // were counted finds the goal the first one stored (committed before the refusal,
      // since each waited for the counter row the first one held)
      if (outcome.admitted) await this.quotas.giveBack(admission.use);
      const existing =
        idempotencyKey === undefined
          ? undefined
          : await this.goals.byIdempotencyKey(tenantId, idempotencyKey);
      if (!existing) throw admission.refused();
      const differences = replayDifferences(
        existing,
        {
          goal: text,
          title,
          requested_pattern: input.pattern ?? null,
          priority: input.priority ?? 5,
          metadata,
        },
        input.title !== undefined,
      );
      if (differences.length) throw new IdempotencyKeyReused(existing.id, differences);
      return { goal_id: existing.id, status: existing.status };
    }
    await this.enqueue(tenantId, id, 0);
    return { goal_id: id, status: 'queued' };
  }

  /** Queues a run of the goal; if the queue is down, the sweeper picks the goal up later. */
  async enqueue(tenantId: string, goalId: string, generation: number): Promise<void> {
    try {
      const { lane, workerId } = await this.dispatcher.place('goal', []);
      const jobId = `goal-${goalId}-${generation}`;
      // remembered first: a sweep meanwhile finds the goal placed (see requeue)
      if (workerId && lane) await this.dispatcher.rememberGoalPlacement(goalId, { jobId, lane });
      await this.queue.add<RunGoalJob>(RUN_GOAL_JOB, { tenantId, goalId }, { jobId, lane });
    } catch (error) {
      this.log.warn(`could not queue goal ${goalId}; the sweeper will retry`, {
        error: (error as Error).message,
      });
    }
  }

  /**
   * Queues a run of a goal the sweeper found without a live lease, unless its run placed on
   * a chosen worker still waits or runs there and that worker is live (a busy worker's
   * queue, or a run about to take the lease: not a lost goal), or the goal has moved on
   * since the sweep listed it (`generation`: its event count then); false then. A dead
   * worker's run (which BullMQ may put back to waiting in its lane) is queued again.
   */
  async requeue(tenantId: string, goalId: string, generation: number): Promise<boolean> {
    if (this.dispatcher.placesJobs) {
      const placed = await this.dispatcher.goalPlacement(goalId);
      const inHand =
        placed &&
        (await this.dispatcher.laneIsLive(placed.lane)) &&
        (await this.queue.isPending(placed.jobId, placed.lane).catch(() => false));
      if (inHand) return false;
    }
    // looked at after the job: a run that ended before has left the goal as it stays
    if (!(await this.stillOrphaned(tenantId, goalId, generation))) return false;
    await this.enqueue(tenantId, goalId, generation);
    return true;
  }

  /** Whether the goal is as the sweep listed it: running or queued, unchanged, no live lease. */
  private async stillOrphaned(tenantId: string, goalId: string, generation: number) {
    const goal = await this.goals.byId(tenantId, goalId).catch(() => undefined);
    if (!goal) return true; // unreadable now: queued again, as the sweep found it
    return (
      (goal.status === 'queued' || goal.status === 'running') &&
      goal.event_seq === generation &&
      !(goal.lease_expires_at && goal.lease_expires_at.getTime() > Date.now())
    );
  }

  /** A page of the tenant's goals, newest first; `search` matches the goal's text anywhere. */
  async list(
    tenantId: string,
    status: string | undefined,
    limit = DEFAULT_PAGE_LIMIT,
    offset = 0,
    search?: string,
  ) {
    const total = await this.goals.count(tenantId, status, search);
    const rows = await this.goals.page(tenantId, status, Number(limit), Number(offset), search);
    return { items: rows.map(goalView), total, limit, offset };
  }

  async get(tenantId: string, goalId: string) {
    const view = goalView(await this.store.get(tenantId, goalId));
    view.usage.by_agent = await this.llmCalls.usageByAgent(this.dataSource, tenantId, goalId);
    return view;
  }

  async tasks(tenantId: string, goalId: string, offset = 0, limit?: number) {
    const goal = await this.store.get(tenantId, goalId);
    const rows = await this.store.tasks(tenantId, goalId);
    const page = rows.slice(offset, limit === undefined ? undefined : offset + limit);
    return {
      goal_id: goalId,
      plan_version: goal.plan_version,
      items: page.map(taskView),
      total: rows.length,
      offset,
    };
  }

  async events(tenantId: string, goalId: string, after = 0, limit = 500) {
    await this.store.get(tenantId, goalId);
    const items = (await this.eventLog.list(tenantId, goalId, after, limit)).map(eventView);
    return { items, last_id: items.at(-1)?.id ?? after };
  }

  async cancel(tenantId: string, goalId: string, reason = 'cancelled by request') {
    await inTransaction(this.dataSource, async (uow) => {
      const goal = await this.store.get(tenantId, goalId, uow.manager);
      if (isTerminal(goal.state)) {
        throw new Conflict(
          'illegal-transition',
          'Goal already finished',
          `Goal ${goalId} is ${goal.status}; a finished goal cannot be cancelled.`,
          { state: goal.state },
        );
      }
      await this.taskRows.cancelOpen(uow.manager, tenantId, goalId);
      // nobody is to decide on an action of a cancelled goal any more
      await this.approvals.supersedePending(uow.manager, tenantId, goalId);
      await this.store.transition(uow, goal, goal.state, 'CANCELLED', {}, reason);
      await this.eventLog.append(uow, tenantId, goalId, 'goal.cancelled', { reason });
    });
    this.runner.abort(goalId);
    return this.get(tenantId, goalId);
  }
}

function deriveTitle(goal: string): string {
  const first = goal.split(/\n/)[0].trim();
  return first.length > 80 ? `${first.slice(0, 77)}...` : first;
}
