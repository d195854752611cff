import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7, WriteBatcher } from '#common';

export interface LlmCallScope {
  tenantId: string;
  goalId?: string | null;
  taskId?: string | null;
  agent?: string;
  purpose: string;
  signal?: AbortSignal;
  /**
   * Calls of many parallel units (a swarm's workers) are kept here instead of being stored
   * one by one while the others are still answering; the owner stores them together with
   * `recordAll` before it reads the task's totals.
   */
  deferredUsage?: DeferredUsage;
}

/** Calls made but not yet stored, each with the scope it was made in. */
export type DeferredUsage = Array<{ scope: LlmCallScope; call: LlmCallRecord }>;

export interface LlmCallRecord {
  provider: string;
  model: string;
  status: 'succeeded' | 'failed';
  error?: string;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  durationMs: number;
}

/** One stored call: the record plus where it belongs. */
interface CallRow {
  id: string;
  tenant_id: string;
  goal_id: string | null;
  task_id: string | null;
  agent: string | null;
  purpose: string;
  provider: string;
  model: string;
  status: string;
  error: string | null;
  attempts: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  duration_ms: number;
}

/**
 * Records each LLM call and rolls its tokens and cost up to the task and the goal. Calls
 * that finish together (a swarm's workers) are stored together: one statement per batch
 * instead of one database round trip per call, each caller still waiting for its row.
 */
@Injectable()
export class LlmUsageRecorder {
  private readonly listeners: Array<(call: LlmCallRecord, scope: LlmCallScope) => void> = [];
  private readonly batcher = new WriteBatcher<CallRow>((rows) => this.store(rows));
  private readonly logger = new Logger('LlmUsageRecorder');
  /** Background records not yet stored, per goal ('' for calls outside a goal). */
  private readonly inFlight = new Map<string, Set<Promise<void>>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Observers (metrics) of every recorded call, told after it is stored. */
  onRecorded(listener: (call: LlmCallRecord, scope: LlmCallScope) => void): void {
    this.listeners.push(listener);
  }

  async record(scope: LlmCallScope, call: LlmCallRecord): Promise<void> {
    if (scope.deferredUsage) {
      scope.deferredUsage.push({ scope, call });
      return;
    }
    await this.batcher.add(this.rowOf(scope, call));
    for (const listener of this.listeners) listener(call, scope);
  }

  /** Stores deferred calls in one statement (see `LlmCallScope.deferredUsage`). */
  async recordAll(deferred: DeferredUsage): Promise<void> {
    if (!deferred.length) return;
    await this.store(deferred.map(({ scope, call }) => this.rowOf(scope, call)));
    for (const { scope, call } of deferred)
      for (const listener of this.listeners) listener(call, scope);
  }

  private rowOf(scope: LlmCallScope, call: LlmCallRecord): CallRow {
    return {
      id: uuidv7(),
      tenant_id: scope.tenantId,
      goal_id: scope.goalId ?? null,
      task_id: scope.taskId ?? null,
      agent: scope.agent ?? null,
      purpose: scope.purpose,
      provider: call.provider,
      model: call.model,
      status: call.status,
      error: call.error ?? null,
      attempts: call.attempts,
      prompt_tokens: call.promptTokens,
      completion_tokens: call.completionTokens,
      cost_usd: call.costUsd,
      duration_ms: Math.round(call.durationMs),
    };
  }

  /**
   * Records a call without holding its caller up, for calls whose tokens nothing reads at
   * once (a goal's intent, plan and verification): `settled(goalId)` waits for them before
   * the goal's totals are final. A write that fails is logged with the call's scope.
   */
  recordInBackground(scope: LlmCallScope, call: LlmCallRecord): void {
    const key = scope.goalId ?? '';
    const write = this.record(scope, call).catch((error: Error) =>
      this.logger.warn(
        `could not record an LLM call (${scope.purpose}, goal ${scope.goalId ?? '-'}): ${error.message}`,
      ),
    );
    const writes = this.inFlight.get(key) ?? new Set<Promise<void>>();
    writes.add(write);
    this.inFlight.set(key, writes);
    void write.then(() => {
      writes.delete(write);
      if (!writes.size && this.inFlight.get(key) === writes) this.inFlight.delete(key);
    });
  }

  /** Resolves once the goal's background records are stored (or have failed and been logged). */
  async settled(goalId: string): Promise<void> {
    const writes = this.inFlight.get(goalId);
    if (writes) await Promise.all([...writes]);
  }

  /** One statement: the call rows plus the task and goal roll-ups (atomic without a transaction). */
  private async store(rows: CallRow[]): Promise<void> {
    if (rows.length === 1) return this.storeOne(rows[0]);
    await this.dataSource.query(
      `WITH v AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, tenant_id uuid, goal_id uuid, task_id uuid,
           agent text, purpose text, provider text, model text, status text, error text, attempts integer,
           prompt_tokens integer, completion_tokens integer, cost_usd numeric, duration_ms integer)),
       c AS (
         INSERT INTO llm_calls (id, tenant_id, goal_id, task_id, agent, purpose, provider, model, status, error, attempts,
           prompt_tokens, completion_tokens, cost_usd, duration_ms)
         SELECT id, tenant_id, goal_id, task_id, agent, purpose, provider, model, status, error, attempts,
           prompt_tokens, completion_tokens, cost_usd, duration_ms FROM v RETURNING 1),
       t AS (
         UPDATE tasks SET prompt_tokens = tasks.prompt_tokens + s.prompt_tokens,
           completion_tokens = tasks.completion_tokens + s.completion_tokens, cost_usd = tasks.cost_usd + s.cost_usd
         FROM (SELECT task_id, tenant_id, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
                 sum(cost_usd) AS cost_usd
               FROM v WHERE task_id IS NOT NULL GROUP BY task_id, tenant_id) s
         WHERE tasks.id = s.task_id AND tasks.tenant_id = s.tenant_id RETURNING 1),
       g AS (
         UPDATE goals SET prompt_tokens = goals.prompt_tokens + s.prompt_tokens,
           completion_tokens = goals.completion_tokens + s.completion_tokens, cost_usd = goals.cost_usd + s.cost_usd,
           llm_calls = goals.llm_calls + s.calls
         FROM (SELECT goal_id, tenant_id, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
                 sum(cost_usd) AS cost_usd, count(*) AS calls
               FROM v WHERE goal_id IS NOT NULL GROUP BY goal_id, tenant_id) s
         WHERE goals.id = s.goal_id AND goals.tenant_id = s.tenant_id RETURNING 1)
       SELECT (SELECT count(*) FROM c) AS calls`,
      [JSON.stringify(rows)],
    );
  }

  /** The same for one call (most calls are alone), with plain parameters: a cheaper plan. */
  private async storeOne(row: CallRow): Promise<void> {
    await this.dataSource.query(
      `WITH c AS (
         INSERT INTO llm_calls (id, tenant_id, goal_id, task_id, agent, purpose, provider, model, status, error, attempts,
           prompt_tokens, completion_tokens, cost_usd, duration_ms)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING 1),
       t AS (UPDATE tasks SET prompt_tokens = prompt_tokens + $12, completion_tokens = completion_tokens + $13, cost_usd = cost_usd + $14
             WHERE $4::uuid IS NOT NULL AND id = $4 AND tenant_id = $2 RETURNING 1),
       g AS (UPDATE goals SET prompt_tokens = prompt_tokens + $12, completion_tokens = completion_tokens + $13, cost_usd = cost_usd + $14,
               llm_calls = llm_calls + 1
             WHERE $3::uuid IS NOT NULL AND id = $3 AND tenant_id = $2 RETURNING 1)
       SELECT (SELECT count(*) FROM c) AS calls`,
      [
        row.id,
        row.tenant_id,
        row.goal_id,
        row.task_id,
        row.agent,
        row.purpose,
        row.provider,
        row.model,
        row.status,
        row.error,
        row.attempts,
        row.prompt_tokens,
        row.completion_tokens,
        row.cost_usd,
        row.duration_ms,
      ],
    );
  }
}
