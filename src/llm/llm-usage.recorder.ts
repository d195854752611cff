import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../../libs/common/src';

export interface LlmCallScope {
  tenantId: string;
  goalId?: string | null;
  taskId?: string | null;
  agent?: string;
  purpose: string;
  signal?: AbortSignal;
}

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

/** Records each LLM call and rolls its tokens and cost up to the task and the goal in one transaction. */
@Injectable()
export class LlmUsageRecorder {
  private readonly listeners: Array<(call: LlmCallRecord, scope: LlmCallScope) => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /** Observers (metrics) of every recorded call, told after it is stored. */
  onRecorded(listener: (call: LlmCallRecord, scope: LlmCallScope) => void): void {
    this.listeners.push(listener);
  }

  /** One statement: the call row plus the task and goal roll-ups (atomic without a transaction). */
  async record(scope: LlmCallScope, call: LlmCallRecord): Promise<void> {
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
        uuidv7(),
        scope.tenantId,
        scope.goalId ?? null,
        scope.taskId ?? null,
        scope.agent ?? null,
        scope.purpose,
        call.provider,
        call.model,
        call.status,
        call.error ?? null,
        call.attempts,
        call.promptTokens,
        call.completionTokens,
        call.costUsd,
        Math.round(call.durationMs),
      ],
    );
    for (const listener of this.listeners) listener(call, scope);
  }
}
