import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { fingerprint, LoopDetector, StallDetected } from './ledger-policy';
import {
  ProgressLedgerRepository,
  type LedgerEntry,
  type LedgerRow,
} from './progress-ledger.repository';

export type { LedgerRow } from './progress-ledger.repository';
export { LEDGER_COLUMNS } from './progress-ledger-done.statements';

interface PendingEntry {
  scope: LedgerScope;
  fingerprint: string;
  satisfied: boolean;
  looping: boolean;
  progressing: boolean;
  stalls: number;
  next: string;
  facts: string[];
}

export type LedgerBuffer = PendingEntry[];

export interface LedgerScope {
  tenantId: string;
  goalId: string;
  planVersion: number;
  taskId: string;
  taskKey: string;
  agentId: string;
}

/**
 * The progress ledger: after every model turn and every task, whether the request is
 * satisfied, looping, progressing, and the next instruction, as rows. Loops are found by
 * fingerprints (see ledger-policy.ts); `LEDGER_MAX_STALLS` stalls stop the task with
 * `StallDetected`, and the goal replans with the ledger's facts.
 */
@Injectable()
export class ProgressLedger {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: GoalEventLog,
    private readonly repository: ProgressLedgerRepository,
    private readonly goals: GoalRepository,
  ) {}

  /**
   * A per-attempt watcher for the model turns of one task (or swarm unit). With a
   * `buffer`, rows of progressing turns are kept in memory for `flush` (parallel swarm
   * workers then do not queue on the database between model calls); a stop is written
   * at once.
   */
  watch(
    scope: LedgerScope,
    buffer?: LedgerBuffer,
  ): (turn: { action?: unknown; output?: string }) => Promise<void> {
    const detector = new LoopDetector(this.config.LEDGER_MAX_STALLS);
    return async (turn) => {
      const assessment = detector.observe(turn);
      const entry: PendingEntry = {
        scope,
        fingerprint: assessment.fingerprint,
        satisfied: false,
        looping: assessment.looping,
        progressing: assessment.progressing,
        stalls: assessment.stalls,
        next: assessment.nextInstruction,
        facts: assessment.facts,
      };
      if (buffer && !assessment.mustStop) {
        buffer.push(entry);
        return;
      }
      await inTransaction(this.dataSource, async (uow) => {
        if (buffer) await this.flush(uow, buffer);
        await this.insert(uow, scope, 'turn', entry);
        if (assessment.mustStop)
          await this.events.append(
            uow,
            scope.tenantId,
            scope.goalId,
            'ledger.stalled',
            {
              task_key: scope.taskKey,
              stalls: assessment.stalls,
              facts: assessment.facts,
              next_instruction: assessment.nextInstruction,
            },
            scope.taskId,
          );
      });
      if (assessment.mustStop) throw new StallDetected(scope.taskKey, assessment);
    };
  }

  /** Writes buffered turn rows (of one goal) in one statement, in the caller's transaction. */
  async flush(uow: UnitOfWork, buffer: LedgerBuffer): Promise<void> {
    const entries = buffer.splice(0);
    if (!entries.length) return;
    const { tenantId, goalId } = entries[0].scope;
    await this.repository.appendTurns(uow.manager, tenantId, goalId, entries.map(entryOf));
  }

  /** The step after a task finished or failed, in the transaction that stores its result. */
  async recordTask(
    uow: UnitOfWork,
    scope: LedgerScope,
    result: { ok: boolean; text?: string; error?: string; final: boolean },
    turns: LedgerBuffer = [],
  ): Promise<void> {
    const fp = fingerprint({ output: result.ok ? result.text : `error: ${result.error}` });
    const facts0 = await this.repository.taskFacts(
      uow.manager,
      scope.tenantId,
      scope.goalId,
      scope.planVersion,
      scope.taskId,
      fp,
    );
    const open = Number(facts0.open);
    // looping: this task repeated a result (or error) it already produced in this plan
    const looping = facts0.looping;
    const progressing = result.ok && !looping;
    const stalls = progressing ? 0 : (facts0.last_stalls ?? 0) + 1;
    const satisfied = open === 0;
    const facts: string[] = [];
    if (!result.ok) facts.push(`task ${scope.taskKey} failed: ${result.error}`);
    if (looping) facts.push(`task ${scope.taskKey} repeated an earlier result (fingerprint ${fp})`);
    const next = satisfied
      ? 'all tasks are done: verify the result with the critic'
      : result.ok
        ? `${open} task(s) left: run the next ready tasks`
        : result.final
          ? `replan: task ${scope.taskKey} cannot be completed as planned`
          : `retry task ${scope.taskKey}, with another agent if one scores better`;
    const rows = [
      ...turns.splice(0).map((t) => ({ ...t, kind: 'turn' as const })),
      {
        scope,
        kind: 'task' as const,
        fingerprint: fp,
        satisfied,
        looping,
        progressing,
        stalls,
        next,
        facts,
      },
    ];
    await this.repository.insertAt(
      uow.manager,
      scope.tenantId,
      scope.goalId,
      rows.map((r, i) => ({
        step: Number(facts0.last_step) + i + 1,
        entry: { ...entryOf(r), kind: r.kind },
      })),
    );
  }

  /**
   * The ledger fields of one successful task for `tasksDone`: its output fingerprint,
   * its buffered turn rows and the fact recorded if the output repeats an earlier one.
   */
  taskDoneInput(
    scope: LedgerScope,
    text: string | undefined,
    turns: LedgerBuffer,
  ): { fingerprint: string; turns: object[]; turn_count: number; loop_fact: string } {
    const fp = fingerprint({ output: text });
    const rows = turns.splice(0).map((t, i) => ({
      offset: i + 1,
      task_id: t.scope.taskId,
      plan_version: t.scope.planVersion,
      agent_id: t.scope.agentId,
      fingerprint: t.fingerprint,
      satisfied: t.satisfied,
      looping: t.looping,
      progressing: t.progressing,
      stalls: t.stalls,
      next: t.next,
      facts: t.facts,
    }));
    return {
      fingerprint: fp,
      turns: rows,
      turn_count: rows.length,
      loop_fact: `task ${scope.taskKey} repeated an earlier result (fingerprint ${fp})`,
    };
  }

  /**
   * The ledger step of several successful tasks of one plan, as CTEs of the statement that
   * stores their results (see `ProgressLedgerRepository.tasksDone`): the `input` CTE has,
   * per task, `id`, `ord`, `agent_text`, `step_offset` (ledger rows of the tasks before it)
   * and the `taskDoneInput` fields.
   */
  tasksDone(scope: { tenantId: string; goalId: string; planVersion: number }) {
    return this.repository.tasksDone(scope.tenantId, scope.goalId, scope.planVersion);
  }

  async list(tenantId: string, goalId: string, afterId = 0, limit = 500): Promise<LedgerRow[]> {
    if (!(await this.goals.exists(this.dataSource, tenantId, goalId)))
      throw new NotFound('goal', goalId);
    return this.repository.list(this.dataSource, tenantId, goalId, afterId, limit);
  }

  private async insert(
    uow: UnitOfWork,
    scope: LedgerScope,
    kind: 'turn' | 'task',
    e: Omit<PendingEntry, 'scope'>,
  ): Promise<void> {
    await this.repository.appendOne(uow.manager, scope.tenantId, scope.goalId, {
      ...entryOf({ ...e, scope }),
      kind,
    });
  }
}

/** A buffered or computed entry as the ledger row it becomes. */
function entryOf(e: PendingEntry): LedgerEntry {
  return {
    task_id: e.scope.taskId,
    plan_version: e.scope.planVersion,
    kind: 'turn',
    agent_id: e.scope.agentId,
    fingerprint: e.fingerprint,
    satisfied: e.satisfied,
    looping: e.looping,
    progressing: e.progressing,
    stalls: e.stalls,
    next: e.next,
    facts: e.facts,
  };
}
