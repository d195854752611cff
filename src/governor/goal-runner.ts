import { Inject, Injectable, Logger } from '@nestjs/common';
import { JOB_QUEUE, type JobQueue, RUN_GOAL_JOB, type RunGoalJob } from '../queue/job-queue';
import type { GoalScope } from '../agents/agent-runtime.service';
import { DatabaseAvailability } from '../database/database-availability.service';
import { GoalState, isTerminal } from '../goal-records/goal-fsm';
import { GoalLeases } from './goal-lease.service';
import { GoalRuns } from './goal-runs';
import { GoalStore, StateConflict } from './goal-store.service';
import type { GoalRow } from '../goal-records/goal.types';
import { LeaseHeartbeat } from './lease-heartbeat';
import { AnalyseIntentStep } from './steps/analyse-intent.step';
import { AssignStep } from './steps/assign.step';
import { CompleteStep } from './steps/complete.step';
import { ExecuteStep } from './steps/execute.step';
import { FailStep } from './steps/fail.step';
import { PlanStep } from './steps/plan.step';
import { ReplanStep } from './steps/replan.step';
import { VerifyStep } from './steps/verify.step';

/**
 * Drives one goal through the FSM, one step per state, each step persisting its
 * transition before it is announced. Any process holding the goal's lease can pick the
 * goal up from its last persisted state.
 */
@Injectable()
export class GoalRunner {
  private readonly logger = new Logger('GoalRunner');

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly store: GoalStore,
    private readonly leases: GoalLeases,
    private readonly heartbeat: LeaseHeartbeat,
    private readonly runs: GoalRuns,
    private readonly database: DatabaseAvailability,
    private readonly analysis: AnalyseIntentStep,
    private readonly planning: PlanStep,
    private readonly assignment: AssignStep,
    private readonly execution: ExecuteStep,
    private readonly verification: VerifyStep,
    private readonly replanning: ReplanStep,
    private readonly completion: CompleteStep,
    private readonly failure: FailStep,
  ) {}

  get activeGoals(): number {
    return this.runs.size;
  }

  /** Stops local work on a goal (after it was cancelled). */
  abort(goalId: string): void {
    this.runs.abort(goalId, new Error('goal cancelled'));
  }

  async run(tenantId: string, goalId: string): Promise<void> {
    // the lease belongs to the process: a job queued again (sweeper, queue retry) while this
    // process still drives the goal, e.g. through a database outage, must not drive it twice
    const run = this.runs.begin(goalId);
    if (!run) return;
    const { controller } = run;
    let leased: GoalRow | undefined;
    try {
      leased = await this.leases.acquire(tenantId, goalId);
    } finally {
      if (!leased) this.runs.end(goalId);
    }
    if (!leased) return;
    // the first step starts from the row the lease returned
    run.latest = leased;
    const stopHeartbeat = this.heartbeat.start(tenantId, goalId, controller);
    let stoppedAt: GoalRow | undefined;
    try {
      stoppedAt = await this.drive(tenantId, goalId, controller.signal);
    } catch (error) {
      // a database that is away: the goal stays where it is and is resumed (sweeper)
      if (controller.signal.aborted || error instanceof StateConflict) return;
      if (this.database.isTransient(error)) return;
      await this.fail(tenantId, goalId, [`internal error: ${(error as Error).message}`]).catch(
        () => undefined,
      );
      throw error;
    } finally {
      stopHeartbeat();
      this.runs.end(goalId);
      // the statement that finished the goal gave its lease up already
      if (!(stoppedAt && isTerminal(stoppedAt.state) && stoppedAt.lease_owner === null))
        await this.leases.release(tenantId, goalId).catch(() => undefined);
      await this.wakeNextWaiting(tenantId).catch(() => undefined);
    }
  }

  /** A tenant with a workers quota: the worker this run frees goes to its goal waiting longest. */
  private async wakeNextWaiting(tenantId: string): Promise<void> {
    const next = await this.leases.nextWaiting(tenantId);
    if (next)
      await this.queue.add<RunGoalJob>(
        RUN_GOAL_JOB,
        { tenantId, goalId: next.id },
        { jobId: `goal-${next.id}-${next.event_seq}-w${Date.now()}` },
      );
  }

  fail(tenantId: string, goalId: string, reasons: string[]): Promise<void> {
    return this.failure.run({ tenantId, goalId, reasons });
  }

  /** Steps the goal until it stops here; the row it stopped at, when one was read. */
  private async drive(
    tenantId: string,
    goalId: string,
    signal: AbortSignal,
  ): Promise<GoalRow | undefined> {
    const scope: GoalScope = { tenantId, goalId, signal };
    let conflictedIn: GoalState | undefined;
    for (;;) {
      if (signal.aborted) return;
      let state: GoalState | undefined;
      try {
        const goal = this.runs.takeLatest(goalId) ?? (await this.store.get(tenantId, goalId));
        state = goal.state;
        if (isTerminal(goal.state) || goal.state === 'AWAITING_APPROVAL') return goal;
        await this.step(goal, scope);
        conflictedIn = undefined;
      } catch (error) {
        if (signal.aborted) return;
        if (this.database.isTransient(error)) {
          // every step finds what an earlier attempt committed: wait, then run it again
          this.logger.warn(`goal ${goalId} waits for the database: ${(error as Error).message}`);
          this.runs.forgetTasks(goalId);
          await this.database.waitUntilAvailable(error, signal);
          const leased = await this.leases.acquire(tenantId, goalId);
          if (!leased) return; // another process took the goal over meanwhile
          this.runs.keepLatest(goalId, leased);
          continue;
        }
        if (error instanceof StateConflict) {
          // an attempt whose COMMIT went unanswered may have moved the goal on: carry on
          // from where it is, unless the goal left this process or the conflict repeats
          if (conflictedIn === state || !(await this.leases.renew(tenantId, goalId))) return;
          conflictedIn = state;
          continue;
        }
        if (!state) throw error;
        const reason = (error as Error).message;
        this.logger.warn(`goal ${goalId} failed in ${state}: ${reason}`);
        await this.fail(tenantId, goalId, [`${state}: ${reason}`]);
        return;
      }
    }
  }

  private step(goal: GoalRow, scope: GoalScope): Promise<void> {
    switch (goal.state) {
      case 'RECEIVED':
        return this.analysis.receive(goal, scope);
      case 'INTENT_ANALYSIS':
        return this.analysis.run(goal, scope);
      case 'TASK_DECOMPOSITION':
        return this.planning.run(goal, scope);
      case 'AGENT_ASSIGNMENT':
        return this.assignment.run(goal);
      case 'EXECUTING':
      case 'PARALLEL_EXECUTING':
        return this.execution.run(goal, scope);
      case 'VERIFYING':
        return this.verification.run(goal, scope);
      case 'REPLANNING':
        return this.replanning.run(goal);
      case 'WRITING_MEMORY':
        return this.completion.writeMemory(goal);
      case 'REFLECTING':
        return this.completion.reflect(goal);
      default:
        throw new Error(`no step for state ${goal.state}`);
    }
  }
}
