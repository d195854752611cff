import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { fingerprint } from '#common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction, UnitOfWork } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { GoalRepository } from '../goal-records/goal.repository';
import { TaskRepository } from '../goal-records/task.repository';
import { logFor } from '../observability/logger';
import { ApprovalRepository } from './approval.repository';
import { ApprovalPending, SafetyViolation } from './safety-errors';
import {
  evaluateSafety,
  GoalUsage,
  parseApprovalCategories,
  RiskLevel,
  SafetyAction,
  SafetyDecision,
  SafetyLimits,
} from './safety-policy';

export interface GateScope {
  tenantId: string;
  goalId: string;
  taskId?: string;
  taskKey?: string;
  /** Agent nesting depth of the caller (1 = the governor's own agents). */
  depth?: number;
}

export interface ToolCallSubject {
  name: string;
  args: unknown;
  risk: RiskLevel;
  permission: SafetyAction['permission'];
  requiresApproval: boolean;
}

/** Fingerprint of an action for approvals: the same tool with the same arguments. */
export function actionFingerprint(tool: string, args: unknown): string {
  return fingerprint({ tool, args });
}

/**
 * The one safety gate in front of every tool call and agent spawn. It counts the action,
 * reads the goal's usage (tokens, cost, spawns, calls, wall time net of time spent waiting
 * for humans) in the same statement, decides with the pure policy, and records refusals
 * on the task and the goal with a `safety.violation` or `safety.blocked` event.
 */
@Injectable()
export class SafetyGate {
  private readonly log = logFor('SafetyGate');
  readonly limits: SafetyLimits;
  private readonly inFlight = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly events: GoalEventLog,
    private readonly approvals: ApprovalRepository,
    private readonly goals: GoalRepository,
    private readonly tasks: TaskRepository,
  ) {
    this.limits = {
      maxRecursionDepth: config.SAFETY_MAX_RECURSION_DEPTH,
      maxTokens: config.SAFETY_MAX_TOKENS,
      maxCostUsd: config.SAFETY_MAX_COST_USD,
      maxAgentsSpawned: config.SAFETY_MAX_AGENTS,
      maxToolCalls: config.SAFETY_MAX_TOOL_CALLS,
      maxWallMs: config.SAFETY_MAX_WALL_MS,
      maxRisk: config.SAFETY_MAX_RISK,
      maxConcurrency: config.SAFETY_MAX_CONCURRENCY,
      approvalCategories: parseApprovalCategories(config.SAFETY_APPROVAL_CATEGORIES),
      allowHosts: config.TOOLS_HTTP_ALLOW_HOSTS,
    };
  }

  /**
   * Checks a tool call. Returns a release function to call when the call finishes; throws
   * SafetyViolation (refused) or ApprovalPending (a human must decide first).
   */
  async checkToolCall(scope: GateScope, tool: ToolCallSubject): Promise<() => void> {
    const usage = await this.count(scope, 'tool_calls');
    const action: SafetyAction = {
      kind: 'tool_call',
      name: tool.name,
      args: tool.args,
      risk: tool.risk,
      permission: tool.permission,
      requiresApproval: tool.requiresApproval,
      depth: scope.depth ?? 1,
    };
    const decision = evaluateSafety(action, usage, this.limits);
    if (decision.outcome === 'approval') {
      const fp = actionFingerprint(tool.name, tool.args);
      const prior = await this.priorDecision(scope, fp);
      if (prior?.status === 'approved') return this.enter(scope.goalId);
      if (prior && prior.status !== 'pending') {
        const detail = `${tool.name} was ${prior.status} by ${prior.decided_by ?? 'policy'}${prior.comment ? `: ${prior.comment}` : ''}`;
        await this.refuse(scope, {
          outcome: 'blocked',
          check: 'approval_rejected',
          detail,
          fatal: false,
        });
      }
      throw new ApprovalPending(
        scope.taskId ?? '',
        scope.taskKey ?? '',
        tool.name,
        tool.args,
        fp,
        decision.categories,
        decision.reason,
      );
    }
    if (decision.outcome !== 'allow') await this.refuse(scope, decision);
    return this.enter(scope.goalId);
  }

  /**
   * Checks an agent spawn (recursion depth, agents per goal and the budgets) before it
   * happens. Pass the caller's unit of work when the spawn happens inside a transaction:
   * the counter and any refusal are then written in it.
   */
  async checkAgentSpawn(
    scope: GateScope,
    agent: { name: string; depth: number; risk?: RiskLevel },
    uow?: UnitOfWork,
  ): Promise<void> {
    const { refusal } = await this.checkAgentSpawns(scope, agent, 1, uow);
    if (refusal) throw refusal;
  }

  /**
   * Checks `count` spawns of one agent kind at once (a swarm's workers) in one statement,
   * each counted and judged as a single check would: how many may go ahead, and the
   * refusal (recorded like a single one) of the first that may not; later ones are not
   * attempted and not counted.
   */
  async checkAgentSpawns(
    scope: GateScope,
    agent: { name: string; depth: number; risk?: RiskLevel },
    count: number,
    uow?: UnitOfWork,
  ): Promise<{ allowed: number; refusal?: SafetyViolation }> {
    if (count < 1) return { allowed: 0 };
    const usage = await this.count(scope, 'agents_spawned', uow?.manager, count);
    const before = usage.agentsSpawned - count;
    for (let k = 1; k <= count; k++) {
      const decision = evaluateSafety(
        { kind: 'agent_spawn', name: agent.name, risk: agent.risk ?? 'LOW', depth: agent.depth },
        { ...usage, agentsSpawned: before + k },
        this.limits,
      );
      if (decision.outcome !== 'violation' && decision.outcome !== 'blocked') continue;
      if (k < count) await this.count(scope, 'agents_spawned', uow?.manager, k - count);
      return { allowed: k - 1, refusal: await this.recordRefusal(scope, decision, uow) };
    }
    return { allowed: count };
  }

  private enter(goalId: string): () => void {
    this.inFlight.set(goalId, (this.inFlight.get(goalId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(goalId) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(goalId);
      else this.inFlight.set(goalId, left);
    };
  }

  private async count(
    scope: GateScope,
    counter: 'tool_calls' | 'agents_spawned',
    manager: EntityManager = this.dataSource.manager,
    by = 1,
  ): Promise<GoalUsage> {
    const row = await this.goals.countUsage(manager, scope.tenantId, scope.goalId, counter, by);
    if (!row)
      throw new SafetyViolation(
        'recursion_depth',
        `goal ${scope.goalId} not found`,
        'blocked',
        true,
      );
    const start = new Date(row.started_at ?? row.created_at).getTime();
    return {
      tokens: Number(row.prompt_tokens) + Number(row.completion_tokens),
      costUsd: Number(row.cost_usd),
      agentsSpawned: row.agents_spawned,
      toolCalls: row.tool_calls,
      wallMs: Date.now() - start - Number(row.approval_wait_ms),
      concurrent: (this.inFlight.get(scope.goalId) ?? 0) + 1,
    };
  }

  private async priorDecision(
    scope: GateScope,
    fp: string,
  ): Promise<{ status: string; decided_by: string | null; comment: string | null } | undefined> {
    return this.approvals.lastDecision(this.dataSource, scope.tenantId, scope.goalId, fp);
  }

  /** Records the refusal on the task and the goal, with its event, then throws it. */
  private async refuse(
    scope: GateScope,
    decision: Extract<SafetyDecision, { outcome: 'violation' | 'blocked' }>,
    within?: UnitOfWork,
  ): Promise<never> {
    throw await this.recordRefusal(scope, decision, within);
  }

  /** Records the refusal on the task and the goal, with its event; returns it as an error. */
  private async recordRefusal(
    scope: GateScope,
    decision: Extract<SafetyDecision, { outcome: 'violation' | 'blocked' }>,
    within?: UnitOfWork,
  ): Promise<SafetyViolation> {
    const violation = new SafetyViolation(
      decision.check,
      decision.detail,
      decision.outcome,
      decision.fatal,
    );
    const entry = [
      {
        check: decision.check,
        kind: decision.outcome,
        detail: decision.detail,
        task_id: scope.taskId ?? null,
        at: new Date().toISOString(),
      },
    ];
    const record = async (uow: UnitOfWork) => {
      await this.goals.addSafetyViolations(uow.manager, scope.tenantId, scope.goalId, entry);
      if (scope.taskId)
        await this.tasks.addSafetyViolations(uow.manager, scope.tenantId, scope.taskId, entry);
      await this.events.append(
        uow,
        scope.tenantId,
        scope.goalId,
        decision.outcome === 'violation' ? 'safety.violation' : 'safety.blocked',
        {
          check: decision.check,
          detail: decision.detail,
          ...(scope.taskId ? { task_id: scope.taskId } : {}),
        },
        scope.taskId ?? null,
      );
    };
    if (within) await record(within);
    else await inTransaction(this.dataSource, record);
    this.log.warn(`goal ${scope.goalId}: ${violation.message}`);
    return violation;
  }
}
