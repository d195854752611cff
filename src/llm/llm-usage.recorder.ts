import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7, WriteBatcher } from '#common';
import { LlmCallRepository, type LlmCallRow } from './llm-call.repository';
import { TokenBudget } from '../quotas/token-budget';

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
  /**
   * What a call's answer waits for before it is recorded or returned: the start of a task's
   * attempt, written while the attempt's first call is on its way (a rejection fails the call).
   */
  ready?: Promise<unknown>;
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

/**
 * Records each LLM call and rolls its tokens and cost up to the task and the goal. Calls
 * that finish together (a swarm's workers) are stored together: one statement per batch
 * instead of one database round trip per call, each caller still waiting for its row.
 */
@Injectable()
export class LlmUsageRecorder {
  private readonly listeners: Array<(call: LlmCallRecord, scope: LlmCallScope) => void> = [];
  private readonly batcher = new WriteBatcher<LlmCallRow>((rows) => this.store(rows));
  private readonly logger = new Logger('LlmUsageRecorder');
  /** Background records not yet stored, per goal ('' for calls outside a goal). */
  private readonly inFlight = new Map<string, Set<Promise<void>>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly calls: LlmCallRepository,
    private readonly budget: TokenBudget,
  ) {}

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

  private rowOf(scope: LlmCallScope, call: LlmCallRecord): LlmCallRow {
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

  /**
   * One statement: the call rows plus the task, goal and tenant roll-ups (atomic without a
   * transaction); the tenants' tokens of today then tell the budget whether they are spent.
   */
  private async store(rows: LlmCallRow[]): Promise<void> {
    const tenants = await this.calls.store(this.dataSource, rows);
    for (const tenant of tenants)
      await this.budget.observe(tenant.tenant_id, Number(tenant.used)).catch(() => undefined);
  }
}
