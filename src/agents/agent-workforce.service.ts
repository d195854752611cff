import { Injectable } from '@nestjs/common';
import { isUuid } from '#common';
import { hasParallelism } from '../planning/schemas';
import type { UnitOfWork } from '../database/transaction';
import { GoalEventLog, NewGoalEvent } from '../events/goal-event-log.service';
import { ctes, type RecordsetRow } from '../database/recordset';
import { taskTypeOf } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore, OUTCOME_COLUMNS } from './agent-profile.store';
import { AgentRuntime, GoalScope, TaskOutput } from './agent-runtime.service';
import { AgentSelector } from './agent-selector.service';
import { AgentAssigner } from './agent-assigner.service';
import { StallDetected } from './ledger-policy';
import { LEDGER_COLUMNS, LedgerBuffer, ProgressLedger } from './progress-ledger.service';
import { errorKindOf } from './selection';
import { SwarmCoordinator } from './swarm-coordinator.service';
import type { WorkGoal, WorkTask } from './work-items';

export type { WorkGoal, WorkTask };

export class AgentTerminated extends Error {
  constructor(readonly agentId: string) {
    super(`agent ${agentId} was terminated by an operator`);
    this.name = 'AgentTerminated';
  }
}

/**
 * The governor's entry points into the agents: who does each task (selection, spawning,
 * auction), how it is executed (single agent or swarm, watched by the progress ledger),
 * and learning from each outcome in the task result's own transaction.
 */
@Injectable()
export class AgentWorkforce {
  private readonly running = new Map<string, Set<AbortController>>();
  private readonly startedAt = new Map<string, number>();
  /** Ledger rows of the running attempt, written with its result (one transaction). */
  private readonly turns = new Map<string, LedgerBuffer>();

  constructor(
    private readonly profiles: AgentProfileStore,
    private readonly selector: AgentSelector,
    private readonly assigner: AgentAssigner,
    private readonly swarm: SwarmCoordinator,
    private readonly ledger: ProgressLedger,
    private readonly runtime: AgentRuntime,
    private readonly events: GoalEventLog,
  ) {}

  /** Seeds the tenant's default profiles; call before a transaction that assigns. */
  prepare(tenantId: string): Promise<void> {
    return this.profiles.ensureDefaults(tenantId);
  }

  /**
   * Assigns every unassigned task (AGENT_ASSIGNMENT), inside the runner's transaction; its
   * events are returned after `lead` for the caller to write, with the agent of each task
   * (see `AgentAssigner.assign`).
   */
  assign(
    uow: UnitOfWork,
    goal: WorkGoal,
    tasks: WorkTask[],
    lead: NewGoalEvent[] = [],
  ): Promise<{ events: NewGoalEvent[]; agents: Map<string, AgentProfileRow> }> {
    return this.assigner.assign(uow, goal, tasks, lead);
  }

  /**
   * Runs one attempt of a task with its assigned agent, as single agent or swarm. In the
   * swarm pattern the planner's independent tasks already are parallel units and run side
   * by side; in a plan without parallelism (one task, or a chain: `plan` holds every task
   * of the plan) the swarm coordinator divides each task among ephemeral workers.
   */
  async execute(
    goal: WorkGoal,
    task: WorkTask,
    dependencies: Array<{ key: string; title: string; output: unknown }>,
    scope: GoalScope,
    plan: ReadonlyArray<{ key: string; depends_on: string[] }>,
    started?: AgentProfileRow,
  ): Promise<TaskOutput> {
    const agent = started ?? (await this.agentOf(task));
    const controller = new AbortController();
    const set = this.running.get(agent.id) ?? new Set();
    set.add(controller);
    this.running.set(agent.id, set);
    const signal = scope.signal
      ? AbortSignal.any([scope.signal, controller.signal])
      : controller.signal;
    const taskScope = { ...scope, signal };
    this.startedAt.set(task.id, performance.now());
    const turns: LedgerBuffer = [];
    this.turns.set(task.id, turns);
    try {
      if (goal.pattern === 'swarm' && !hasParallelism([...plan])) {
        await scope.ready; // the swarm writes its workers: after the attempt's start
        return await this.swarm.run(task, agent, dependencies, goal.goal, taskScope);
      }
      return await this.runtime.executeTask(task, dependencies, goal.goal, taskScope, {
        streamsOutput: true,
        agent: {
          id: agent.id,
          name: agent.name,
          kind: agent.kind,
          systemPrompt: agent.system_prompt,
        },
        onTurn: this.ledger.watch(
          {
            tenantId: task.tenant_id,
            goalId: task.goal_id,
            planVersion: task.plan_version,
            taskId: task.id,
            taskKey: task.key,
            agentId: agent.id,
          },
          turns,
        ),
      });
    } catch (error) {
      if (controller.signal.aborted && !scope.signal?.aborted) throw new AgentTerminated(agent.id);
      // a cancelled goal records no outcome: free the agent's slot here
      if (scope.signal?.aborted) {
        this.turns.delete(task.id);
        this.startedAt.delete(task.id);
        await this.profiles.finishWork(task.tenant_id, agent.id).catch(() => undefined);
      }
      throw error;
    } finally {
      set.delete(controller);
    }
  }

  /** True when the failure must not be retried: the ledger stopped a loop. */
  isStall(error: unknown): boolean {
    return error instanceof StallDetected;
  }

  /**
   * The learning and ledger steps of successful attempts of one plan, for the statement
   * that stores their results: per task the fields of its `input` row (typed by
   * `COMPLETION_STEP_COLUMNS`), and the CTEs that read `input` and `change` (the tasks
   * still running, with their `tokens`): the agents' folds and profile update (`folds`,
   * `profile`) and the ledger rows (`ledger`). Call `release` for a task that was no
   * longer running.
   */
  completions(done: ReadonlyArray<{ task: WorkTask; text: string | undefined }>): {
    inputs: CompletionInput[];
    steps: ReturnType<AgentWorkforce['completionSteps']>;
  } {
    let stepOffset = 0;
    const inputs = done.map(({ task, text }) => {
      const { turns, durationMs, taskType, agentId } = this.endAttempt(task);
      const ledger = this.ledger.taskDoneInput(
        {
          tenantId: task.tenant_id,
          goalId: task.goal_id,
          planVersion: task.plan_version,
          taskId: task.id,
          taskKey: task.key,
          agentId,
        },
        text,
        turns,
      );
      const input: CompletionInput = {
        agent_id: isUuid(agentId) ? agentId : null,
        agent_text: agentId,
        task_type: taskType,
        duration_ms: durationMs,
        at: new Date().toISOString(),
        step_offset: stepOffset,
        ...ledger,
        agent_event: isUuid(agentId)
          ? {
              agent_id: agentId,
              task_key: task.key,
              task_type: taskType,
              duration_ms: Math.round(durationMs),
              tokens: 0,
            }
          : null,
      };
      stepOffset += ledger.turn_count + 1;
      return input;
    });
    const { tenant_id: tenantId, goal_id: goalId, plan_version: planVersion } = done[0].task;
    return { inputs, steps: this.completionSteps({ tenantId, goalId, planVersion }) };
  }

  private completionSteps(scope: { tenantId: string; goalId: string; planVersion: number }) {
    return ctes<{ input: CompletionStepInput; change: { task_id: string; tokens: number } }>()(
      (qc) =>
        this.ledger.tasksDone(scope)(
          qc
            .with('folds', this.profiles.outcomesOfCompletions())
            .with('profile', this.profiles.outcomesFromRows(scope.tenantId)),
        ),
    );
  }

  /**
   * A finished attempt run here for a goal driven by another process: its buffered ledger
   * turns and duration leave with the result (see `adoptAttempt`).
   */
  handOffAttempt(task: WorkTask): { turns: LedgerBuffer; durationMs: number } {
    const { turns, durationMs } = this.endAttempt(task);
    return { turns, durationMs };
  }

  /** An attempt another process ran for this goal: stored by `completions` like one run here. */
  adoptAttempt(task: WorkTask, turns: LedgerBuffer, durationMs: number): void {
    this.turns.set(task.id, turns);
    this.startedAt.set(task.id, performance.now() - durationMs);
  }

  /** What an attempt leaves behind once it ends: its buffered ledger turns and its duration. */
  private endAttempt(task: WorkTask) {
    const turns = this.turns.get(task.id) ?? [];
    this.turns.delete(task.id);
    const started = this.startedAt.get(task.id);
    this.startedAt.delete(task.id);
    return {
      turns,
      durationMs: started === undefined ? 0 : performance.now() - started,
      taskType: taskTypeOf(task),
      agentId: task.agent_id ?? '',
    };
  }

  /**
   * The agents' side of starting attempts, as a CTE of the statement that marks
   * the tasks running (its `change` CTE returns their `agent_id`): one running slot each.
   */
  startSlots(tenantId: string) {
    return this.profiles.startWorkForStarts(tenantId);
  }

  /** Frees the agent's running slot when an attempt's result could not be stored. */
  async release(task: WorkTask): Promise<void> {
    this.turns.delete(task.id);
    this.startedAt.delete(task.id);
    if (task.agent_id && isUuid(task.agent_id))
      await this.profiles.finishWork(task.tenant_id, task.agent_id);
  }

  /**
   * The learning step and the ledger step, in the transaction that stores the task's
   * result. After a failed attempt that will be retried, the task is reassigned when
   * another agent now scores better.
   */
  async recordOutcome(
    uow: UnitOfWork,
    goal: WorkGoal,
    task: WorkTask,
    result: { ok: boolean; tokens: number; text?: string; error?: string; final: boolean },
  ): Promise<void> {
    const { turns, durationMs, taskType, agentId } = this.endAttempt(task);
    // the profile's learning step and its agent.completed / agent.failed event: one statement
    if (isUuid(agentId)) {
      const change = this.profiles.outcomeChange(task.tenant_id, agentId, {
        taskType,
        success: result.ok,
        tokens: result.tokens,
        durationMs,
        errorKind: result.ok ? undefined : errorKindOf(result.error ?? ''),
        at: new Date(),
      });
      if (result.ok)
        await this.events.appendWithChange(
          uow,
          change,
          task.tenant_id,
          task.goal_id,
          'agent.completed',
          {
            agent_id: agentId,
            task_key: task.key,
            task_type: taskType,
            duration_ms: Math.round(durationMs),
            tokens: result.tokens,
          },
          task.id,
        );
      else
        await this.events.appendWithChange(
          uow,
          change,
          task.tenant_id,
          task.goal_id,
          'agent.failed',
          {
            agent_id: agentId,
            task_key: task.key,
            task_type: taskType,
            error_kind: errorKindOf(result.error ?? ''),
            error: (result.error ?? '').slice(0, 500),
          },
          task.id,
        );
    }
    await this.ledger.recordTask(
      uow,
      {
        tenantId: task.tenant_id,
        goalId: task.goal_id,
        planVersion: task.plan_version,
        taskId: task.id,
        taskKey: task.key,
        agentId,
      },
      result,
      turns,
    );
    if (!result.ok && !result.final) {
      const pool = await this.selector.candidates(uow.manager, goal.tenant_id);
      const selection = this.selector.select(pool, task);
      if (selection && selection.chosen.candidate.id !== agentId) {
        const agent = pool.find((p) => p.id === selection.chosen.candidate.id)!;
        await this.assigner.reassign(uow, goal, {
          task,
          agent,
          reason: `reassigned after a failed attempt: ${selection.reason}`,
          score: selection.chosen.score,
          breakdown: { ...selection.chosen.breakdown },
        });
      }
    }
  }

  /** Stops the running work of an agent in this process; returns how many attempts were stopped. */
  terminate(agentId: string): number {
    const set = this.running.get(agentId);
    if (!set?.size) return 0;
    const n = set.size;
    for (const controller of set) controller.abort(new AgentTerminated(agentId));
    return n;
  }

  /** The task's agent, marked busy (one statement). */
  private async agentOf(task: WorkTask): Promise<AgentProfileRow> {
    if (task.agent_id && isUuid(task.agent_id)) {
      const row = await this.profiles.startWork(task.tenant_id, task.agent_id);
      if (row) return row;
    }
    // a task assigned before profiles existed (legacy id): the generalist takes it
    const generalist = await this.profiles.findByName(task.tenant_id, 'generalist');
    if (!generalist) throw new Error(`task ${task.key} has no usable agent`);
    task.agent_id = generalist.id;
    return (await this.profiles.startWork(task.tenant_id, generalist.id)) ?? generalist;
  }
}

/** The columns of a finished task's `input` row that the agents' steps read. */
export const COMPLETION_STEP_COLUMNS = { ...OUTCOME_COLUMNS, ...LEDGER_COLUMNS } as const;

type CompletionStepInput = RecordsetRow<typeof COMPLETION_STEP_COLUMNS> & {
  id: string | null;
  ord: number | null;
};

/** A finished task's row of the `input` CTE, besides the task's own columns (see `completions`). */
export interface CompletionInput {
  agent_id: string | null;
  agent_text: string;
  task_type: string;
  duration_ms: number;
  at: string;
  step_offset: number;
  fingerprint: string;
  turns: object[];
  turn_count: number;
  loop_fact: string;
  agent_event: Record<string, unknown> | null;
}
