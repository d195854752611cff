import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { isUuid, WriteBatcher } from '#common';
import type { TaskOutput } from '../../agents/agent-runtime.service';
import type { AgentProfileRow } from '../../agents/agent-profile.store';
import { AgentWorkforce, COMPLETION_STEP_COLUMNS } from '../../agents/agent-workforce.service';
import { retryingStatement } from '../../database/transaction';
import { GoalEventLog } from '../../events/goal-event-log.service';
import { LlmUsageRecorder, type DeferredUsage } from '../../llm/llm-usage.recorder';
import type { TaskRow } from '../../goal-records/goal.types';
import { TaskRepository } from '../../goal-records/task.repository';

export interface TaskStartItem {
  task: TaskRow;
  attempt: number;
}

export interface TaskFinishItem {
  task: TaskRow;
  attempt: number;
  output: TaskOutput;
  /** The attempt's model calls, not yet stored. */
  usage: DeferredUsage;
  /** The worker that ran the attempt (this process, or the one a task job went to). */
  workerId: string;
}

/**
 * The writes of one execution phase: starts gathered per turn of the event loop into one
 * statement, results likewise (held briefly while other tasks are still executing).
 */
export interface TaskWave {
  executing: number;
  /**
   * Told of results whose model calls are stored (the tenant's token budget has seen them)
   * before the results themselves are written; answers true when it started a model call,
   * whose request then goes out before the results' statement is built and run.
   */
  recorded?: (items: readonly TaskFinishItem[]) => boolean;
  /** Per task: its agent's profile row (null without a profile), undefined when it could not start. */
  starts: WriteBatcher<TaskStartItem, AgentProfileRow | null | undefined>;
  /** Per task: whether its result was stored (false when it was no longer running). */
  finishes: WriteBatcher<TaskFinishItem, boolean>;
}

/** How long a finished task's result waits for the results of tasks still executing. */
const FINISH_HOLD_MS = 25;

/** The batched task writes of the execution step: one statement per batch of starts or results. */
@Injectable()
export class TaskWriteBatches {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: GoalEventLog,
    private readonly workforce: AgentWorkforce,
    private readonly tasks: TaskRepository,
    private readonly usage: LlmUsageRecorder,
  ) {}

  wave(): TaskWave {
    const wave: TaskWave = {
      executing: 0,
      starts: new WriteBatcher((items) => this.start(items)),
      finishes: new WriteBatcher((items) => this.finish(items, wave), 200, {
        // tasks still executing finish soon after one another: store their results together
        hold: () => wave.executing > 0,
        maxHoldMs: FINISH_HOLD_MS,
      }),
    };
    return wave;
  }

  /**
   * Marks tasks of one goal running (attempt number, start time), takes their agents' running
   * slots and appends their task.started events, in one statement.
   */
  private async start(
    items: readonly TaskStartItem[],
  ): Promise<Array<AgentProfileRow | null | undefined>> {
    const { tenant_id: tenantId, goal_id: goalId } = items[0].task;
    const starts = items.map(({ task, attempt }, ord) => ({
      ord,
      id: task.id,
      attempt,
      agent_id: task.agent_id && isUuid(task.agent_id) ? task.agent_id : null,
    }));
    const rows = await retryingStatement(() =>
      this.events.appendFromRows(this.dataSource.manager, tenantId, goalId, (qc) =>
        qc
          .with('change', this.tasks.startsChange(tenantId, goalId, starts))
          .with('agent', this.workforce.startSlots(tenantId))
          .with('events', (q) =>
            q.selectFrom('change as c').select((eb) => [
              'c.ord',
              'c.type',
              'c.task_id',
              'c.data',
              eb
                .selectFrom('agent')
                .select(sql<AgentProfileRow>`row_to_json(agent)`.as('agent'))
                .whereRef('agent.id', '=', 'c.agent_id')
                .as('agent'),
            ]),
          ),
      ),
    );
    const agents = new Map(
      rows.map(({ event, row }) => [event.task_id, (row.agent ?? null) as AgentProfileRow | null]),
    );
    return items.map(({ task }) => agents.get(task.id));
  }

  /**
   * Stores the results of successful attempts of one goal in one statement: each task
   * completed with its output, its task.completed and agent.completed events (with the
   * task's token totals), its agent's learning step and its progress-ledger rows. The
   * attempts' model calls are stored first, in one statement, so the totals include them.
   */
  private async finish(items: readonly TaskFinishItem[], wave: TaskWave): Promise<boolean[]> {
    const { tenant_id: tenantId, goal_id: goalId } = items[0].task;
    await this.usage.recordAll(items.flatMap((item) => item.usage));
    if (wave.recorded?.(items)) await new Promise<void>((resolve) => setImmediate(resolve));
    const { inputs, steps } = this.workforce.completions(
      items.map(({ task, output }) => ({ task, text: output.text })),
    );
    const input = items.map(({ task, attempt, output, workerId }, ord) => ({
      ...inputs[ord],
      ord,
      id: task.id,
      output,
      task_event: {
        task_key: task.key,
        attempt,
        worker_id: workerId,
        prompt_tokens: 0,
        completion_tokens: 0,
      },
    }));
    const rows = await retryingStatement(() =>
      this.events.appendFromRows(this.dataSource.manager, tenantId, goalId, (qc) =>
        steps(
          qc
            .with('input', this.tasks.completionInput(input, COMPLETION_STEP_COLUMNS))
            .with('change', this.tasks.completionChange(tenantId, goalId)),
        ).with('events', this.tasks.completedEvents()),
      ),
    );
    const stored = new Set(rows.map(({ event }) => event.task_id));
    return items.map(({ task }) => stored.has(task.id));
  }
}
