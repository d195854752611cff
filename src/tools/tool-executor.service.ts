import type { ToolContext } from './tool';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fingerprint } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { HookManager } from '../hooks/hook-manager';
import { SafetyViolation } from '../safety/safety-errors';
import { SafetyGate } from '../safety/safety-gate.service';
import { QuotaService } from '../quotas/quota.service';
import { EffectJournalRepository } from './effect-journal.repository';
import { workspaceDir } from './files/workspace';
import { ToolRegistry } from './tool-registry.service';

export interface ToolCallRequest {
  name: string;
  args: unknown;
}

export interface ToolCallScope {
  tenantId: string;
  goalId: string;
  taskId: string;
  taskKey: string;
  signal?: AbortSignal;
  /** Agent nesting depth of the caller (1 = the governor's own agents). */
  depth?: number;
}

export interface ToolCallOutcome {
  ok: boolean;
  result?: unknown;
  error?: string;
  replayed: boolean;
  idempotencyKey?: string;
}

/**
 * Runs tool calls: validates arguments against the tool's schema, passes every call
 * through the safety gate (which throws ApprovalPending, or SafetyViolation when the goal
 * must stop; blocked actions come back to the agent as a refused call), and for side-effecting
 * tools records the result in the effect journal under an idempotency key in the same
 * transaction as the effect, so a resumed step replays the result instead of acting twice.
 */
@Injectable()
export class ToolExecutor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly registry: ToolRegistry,
    private readonly events: GoalEventLog,
    private readonly gate: SafetyGate,
    private readonly journal: EffectJournalRepository,
    private readonly quotas: QuotaService,
    private readonly hooks: HookManager,
  ) {}

  async execute(
    scope: ToolCallScope,
    call: ToolCallRequest,
    ordinal: number,
  ): Promise<ToolCallOutcome> {
    const outcome = await this.checkAndRun(scope, call, ordinal);
    if (this.hooks.has('tool.after_call'))
      await this.hooks.emit('tool.after_call', scope.tenantId, {
        ...hookScope(scope),
        tool: call.name,
        args: call.args,
        ok: outcome.ok,
        result: outcome.result,
        error: outcome.error,
        replayed: outcome.replayed,
      });
    return outcome;
  }

  private async checkAndRun(
    scope: ToolCallScope,
    call: ToolCallRequest,
    ordinal: number,
  ): Promise<ToolCallOutcome> {
    const tool = this.registry.get(call.name, scope.tenantId);
    if (!tool) return { ok: false, error: `unknown tool ${call.name}`, replayed: false };
    const parsed = tool.parameters.safeParse(call.args);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return { ok: false, error: `invalid arguments for ${tool.name}: ${detail}`, replayed: false };
    }
    let args: unknown = parsed.data;
    if (this.hooks.has('tool.before_call')) {
      const hooked = await this.hooks.emit('tool.before_call', scope.tenantId, {
        ...hookScope(scope),
        tool: tool.name,
        args: parsed.data as Record<string, unknown>,
      });
      if (hooked.cancelled) {
        const { plugin, reason } = hooked.cancelled;
        return { ok: false, error: `refused by plugin ${plugin}: ${reason}`, replayed: false };
      }
      // arguments a plugin changed are checked again; ones the tool refuses are not used
      const reparsed = tool.parameters.safeParse(hooked.payload.args);
      if (reparsed.success) args = reparsed.data;
    }
    let release: () => void;
    try {
      release = await this.gate.checkToolCall(scope, {
        name: tool.name,
        args,
        risk: tool.risk,
        permission: tool.permission,
        requiresApproval: tool.requiresApproval,
      });
    } catch (error) {
      if (error instanceof SafetyViolation && !error.fatal)
        return { ok: false, error: error.message, replayed: false };
      throw error;
    }
    try {
      return await this.run(scope, tool, args, ordinal);
    } finally {
      release();
    }
  }

  private async run(
    scope: ToolCallScope,
    tool: NonNullable<ReturnType<ToolRegistry['get']>>,
    args: unknown,
    ordinal: number,
  ): Promise<ToolCallOutcome> {
    const parsed = { data: args };
    const key = tool.hasSideEffects
      ? `${scope.taskId}:${ordinal}:${fingerprint({ tool: tool.name, args: parsed.data })}`
      : undefined;
    const { quotas, dataSource } = this;
    const base: ToolContext = {
      tenantId: scope.tenantId,
      goalId: scope.goalId,
      taskId: scope.taskId,
      signal: scope.signal,
      idempotencyKey: key,
      workspaceDir: workspaceDir(this.config.DATA_DIR, scope.tenantId, scope.goalId),
      // called as ctx.useStorage(...), so `context` is the tool's context, with the journal's
      // transaction when the tool runs in one: the count rolls back with the effect
      useStorage(this: ToolContext, bytes: number) {
        return quotas
          .consume(this.manager ?? dataSource.manager, this.tenantId, 'storage_mb', bytes)
          .then(() => undefined);
      },
    };
    const journaled = key ? await this.journaled(scope.tenantId, key) : undefined;
    if (journaled)
      return this.finish(scope, tool.name, {
        ok: true,
        result: journaled.result,
        replayed: true,
        idempotencyKey: key,
      });
    if (key && tool.effectsInDatabase) {
      // effect, journal entry and event commit together: exactly once
      return inTransaction(this.dataSource, async (uow) => {
        const outcome = await runSafely(() =>
          tool.run(parsed.data, { ...base, manager: uow.manager }),
        );
        outcome.idempotencyKey = key;
        if (outcome.ok) await this.writeJournal(uow.manager, scope, key, tool.name, outcome.result);
        await this.appendCalled(uow, scope, tool.name, outcome);
        return outcome;
      });
    }
    const outcome = await runSafely(() => tool.run(parsed.data, base));
    outcome.idempotencyKey = key;
    return inTransaction(this.dataSource, async (uow) => {
      if (key && outcome.ok)
        await this.writeJournal(uow.manager, scope, key, tool.name, outcome.result);
      await this.appendCalled(uow, scope, tool.name, outcome);
      return outcome;
    });
  }

  private async journaled(tenantId: string, key: string): Promise<{ result: unknown } | undefined> {
    return this.journal.resultOf(this.dataSource, tenantId, key);
  }

  private async writeJournal(
    manager: EntityManager,
    scope: ToolCallScope,
    key: string,
    tool: string,
    result: unknown,
  ): Promise<void> {
    await this.journal.insert(manager, {
      tenantId: scope.tenantId,
      idempotencyKey: key,
      goalId: scope.goalId,
      taskId: scope.taskId,
      tool,
      result,
    });
  }

  private async appendCalled(
    uow: UnitOfWork,
    scope: ToolCallScope,
    tool: string,
    outcome: ToolCallOutcome,
  ): Promise<void> {
    await this.events.append(
      uow,
      scope.tenantId,
      scope.goalId,
      'tool.called',
      {
        task_key: scope.taskKey,
        tool,
        idempotency_key: outcome.idempotencyKey,
        replayed: outcome.replayed,
        ok: outcome.ok,
      },
      scope.taskId,
    );
  }

  private finish(
    scope: ToolCallScope,
    tool: string,
    outcome: ToolCallOutcome,
  ): Promise<ToolCallOutcome> {
    return inTransaction(this.dataSource, async (uow) => {
      await this.appendCalled(uow, scope, tool, outcome);
      return outcome;
    });
  }
}

function hookScope(scope: ToolCallScope) {
  return { goal_id: scope.goalId, task_id: scope.taskId, task_key: scope.taskKey };
}

async function runSafely(run: () => Promise<unknown>): Promise<ToolCallOutcome> {
  try {
    return { ok: true, result: await run(), replayed: false };
  } catch (error) {
    return { ok: false, error: (error as Error).message, replayed: false };
  }
}
