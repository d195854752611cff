import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { GoalRepository } from '../goal-records/goal.repository';
import type { NamedSqlPart } from '../database/sql-parts';
import { fingerprint, LoopDetector, StallDetected } from './ledger-policy';
import {
  ProgressLedgerRepository,
  type LedgerEntry,
  type LedgerRow,
} from './progress-ledger.repository';

export type { LedgerRow } from './progress-ledger.repository';

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
   * The ledger fields of one successful task for `tasksDoneParts`: its output fingerprint,
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
   * The ledger step of several successful tasks of one plan, as parts of the statement that
   * stores their results: the same rows as `recordTask` writes, one task after the other in
   * `ord` order. The `input` CTE has, per task, `id`, `ord`, `agent_text`, `step_offset`
   * (ledger rows of the tasks before it) and the `taskDoneInput` fields; the `change` CTE
   * returns `task_id` of the tasks that were still running (only those are recorded).
   */
  tasksDoneParts(scope: { tenantId: string; goalId: string; planVersion: number }): NamedSqlPart[] {
    const params = [scope.tenantId, scope.goalId, scope.planVersion];
    return [
      {
        name: 'ledger_base',
        sql: `SELECT
           (SELECT count(*)::int FROM tasks WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3
                   AND status <> 'completed') AS open,
           (SELECT stall_count FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3
                   AND kind = 'task' ORDER BY id DESC LIMIT 1) AS last_stalls,
           (SELECT coalesce(max(step), 0) FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2) AS last_step`,
        params,
      },
      {
        // a task loops when it repeats a result it gave before; stalls count consecutive loops
        name: 'ledger_tasks',
        sql: `SELECT i.*, row_number() OVER (ORDER BY i.ord) AS rank,
           EXISTS (SELECT 1 FROM progress_ledger l WHERE l.tenant_id = $1 AND l.goal_id = $2 AND l.plan_version = $3
                   AND l.kind = 'task' AND l.task_id = i.id AND l.fingerprint = i.fingerprint) AS looping
         FROM input i JOIN change c ON c.task_id = i.id`,
        params,
      },
      {
        name: 'ledger_rows',
        sql: `SELECT r.*, b.open - r.rank AS open_after, b.last_step,
           CASE WHEN NOT r.looping THEN 0
                WHEN r.grp = 0 THEN coalesce(b.last_stalls, 0) + row_number() OVER (PARTITION BY r.grp ORDER BY r.rank)
                ELSE row_number() OVER (PARTITION BY r.grp ORDER BY r.rank) - 1 END AS stalls
         FROM (SELECT t.*, sum(CASE WHEN t.looping THEN 0 ELSE 1 END) OVER (ORDER BY t.rank) AS grp
               FROM ledger_tasks t) r, ledger_base b`,
        params: [],
      },
      {
        name: 'ledger',
        sql: `INSERT INTO progress_ledger (tenant_id, goal_id, task_id, plan_version, step, kind, agent_id, fingerprint,
           is_satisfied, is_looping, is_progressing, stall_count, next_instruction, facts)
         SELECT $1::uuid, $2::uuid, x.* FROM (
           SELECT t.task_id, t.plan_version, r.last_step + r.step_offset + t."offset" AS step, 'turn' AS kind,
             t.agent_id, t.fingerprint, t.satisfied, t.looping, t.progressing, t.stalls, t.next, t.facts
           FROM ledger_rows r, jsonb_to_recordset(r.turns) AS t("offset" int, task_id uuid, plan_version int,
             agent_id text, fingerprint text, satisfied boolean, looping boolean, progressing boolean, stalls int,
             next text, facts jsonb)
           UNION ALL
           SELECT r.id, $3::int, r.last_step + r.step_offset + r.turn_count + 1, 'task', r.agent_text,
             r.fingerprint, r.open_after = 0, r.looping, NOT r.looping, r.stalls::int,
             CASE WHEN r.open_after = 0 THEN 'all tasks are done: verify the result with the critic'
               ELSE r.open_after || ' task(s) left: run the next ready tasks' END,
             CASE WHEN r.looping THEN jsonb_build_array(r.loop_fact) ELSE '[]'::jsonb END
           FROM ledger_rows r) x
         ORDER BY x.step
         RETURNING id`,
        params,
      },
    ];
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
