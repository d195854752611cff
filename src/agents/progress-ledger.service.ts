import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import type { NamedSqlPart } from '../database/sql-parts';
import { fingerprint, LoopDetector, StallDetected } from './ledger-policy';

export interface LedgerRow {
  id: string;
  goal_id: string;
  task_id: string | null;
  plan_version: number;
  step: number;
  kind: 'turn' | 'task';
  agent_id: string | null;
  fingerprint: string;
  is_satisfied: boolean;
  is_looping: boolean;
  is_progressing: boolean;
  stall_count: number;
  next_instruction: string;
  facts: string[];
  created_at: Date;
}

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
    await uow.manager.query(
      `INSERT INTO progress_ledger (tenant_id, goal_id, task_id, plan_version, step, kind, agent_id, fingerprint,
         is_satisfied, is_looping, is_progressing, stall_count, next_instruction, facts)
       SELECT $1, $2, e.task_id, e.plan_version, last.step + e.n, 'turn', e.agent_id, e.fingerprint,
         e.satisfied, e.looping, e.progressing, e.stalls, e.next, e.facts
       FROM (SELECT coalesce(max(step), 0) AS step FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2) last,
         jsonb_to_recordset($3::jsonb) AS e(n integer, task_id uuid, plan_version integer, agent_id text,
           fingerprint text, satisfied boolean, looping boolean, progressing boolean, stalls integer, next text, facts jsonb)
       ORDER BY e.n`,
      [
        tenantId,
        goalId,
        JSON.stringify(
          entries.map((e, i) => ({
            n: i + 1,
            task_id: e.scope.taskId,
            plan_version: e.scope.planVersion,
            agent_id: e.scope.agentId,
            fingerprint: e.fingerprint,
            satisfied: e.satisfied,
            looping: e.looping,
            progressing: e.progressing,
            stalls: e.stalls,
            next: e.next,
            facts: e.facts,
          })),
        ),
      ],
    );
  }

  /** The step after a task finished or failed, in the transaction that stores its result. */
  async recordTask(
    uow: UnitOfWork,
    scope: LedgerScope,
    result: { ok: boolean; text?: string; error?: string; final: boolean },
    turns: LedgerBuffer = [],
  ): Promise<void> {
    const fp = fingerprint({ output: result.ok ? result.text : `error: ${result.error}` });
    const [facts0]: Array<{
      open: string;
      looping: boolean;
      last_stalls: number | null;
      last_step: number;
    }> = await uow.manager.query(factsSql(), [
      scope.tenantId,
      scope.goalId,
      scope.planVersion,
      scope.taskId,
      fp,
    ]);
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
    const params: unknown[] = [];
    const values = rows.map((r, i) => {
      const cells = [
        scope.tenantId,
        scope.goalId,
        r.scope.taskId,
        r.scope.planVersion,
        Number(facts0.last_step) + i + 1,
        r.kind,
        r.scope.agentId,
        r.fingerprint,
        r.satisfied,
        r.looping,
        r.progressing,
        r.stalls,
        r.next,
        JSON.stringify(r.facts),
      ];
      const refs = cells.map((c) => {
        params.push(c);
        return `$${params.length}`;
      });
      return `(${refs.join(', ')})`;
    });
    await uow.manager.query(
      `INSERT INTO progress_ledger (tenant_id, goal_id, task_id, plan_version, step, kind, agent_id, fingerprint,
         is_satisfied, is_looping, is_progressing, stall_count, next_instruction, facts)
       VALUES ${values.join(', ')}`,
      params,
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
    const goals: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM goals WHERE id = $1 AND tenant_id = $2`,
      [goalId, tenantId],
    );
    if (!goals.length) throw new NotFound('goal', goalId);
    return this.dataSource.query(
      `SELECT id, goal_id, task_id, plan_version, step, kind, agent_id, fingerprint, is_satisfied, is_looping,
              is_progressing, stall_count, next_instruction, facts, created_at
       FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [tenantId, goalId, afterId, limit],
    );
  }

  private async insert(
    uow: UnitOfWork,
    scope: LedgerScope,
    kind: 'turn' | 'task',
    e: {
      fingerprint: string;
      satisfied: boolean;
      looping: boolean;
      progressing: boolean;
      stalls: number;
      next: string;
      facts: string[];
    },
  ): Promise<void> {
    await uow.manager.query(
      `INSERT INTO progress_ledger (tenant_id, goal_id, task_id, plan_version, step, kind, agent_id, fingerprint,
         is_satisfied, is_looping, is_progressing, stall_count, next_instruction, facts)
       SELECT $1, $2, $3, $4, coalesce(max(step), 0) + 1, $5, $6, $7, $8, $9, $10, $11, $12, $13
       FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2`,
      [
        scope.tenantId,
        scope.goalId,
        scope.taskId,
        scope.planVersion,
        kind,
        scope.agentId,
        e.fingerprint,
        e.satisfied,
        e.looping,
        e.progressing,
        e.stalls,
        e.next,
        JSON.stringify(e.facts),
      ],
    );
  }
}

/**
 * The facts a task's ledger step is decided from ($1 tenant, $2 goal, $3 plan version,
 * $4 task, $5 fingerprint): open tasks, whether this result repeats one, the last stall
 * count and step. `excludeTask`: the task is being completed by the same statement.
 */
function factsSql(): string {
  return `SELECT
     (SELECT count(*) FROM tasks WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3
             AND status <> 'completed') AS open,
     EXISTS (SELECT 1 FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3
             AND kind = 'task' AND task_id = $4 AND fingerprint = $5) AS looping,
     (SELECT stall_count FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3
             AND kind = 'task' ORDER BY id DESC LIMIT 1) AS last_stalls,
     (SELECT coalesce(max(step), 0) FROM progress_ledger WHERE tenant_id = $1 AND goal_id = $2) AS last_step`;
}
