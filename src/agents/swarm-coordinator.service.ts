import { Inject, Injectable } from '@nestjs/common';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { inTransaction } from '../database/transaction';
import { GoalEventLog } from '../events/goal-event-log.service';
import { DeferredUsage, LlmUsageRecorder } from '../llm/llm-usage.recorder';
import { LlmService } from '../llm/llm.service';
import { KIND_SPECS, taskTypeOf } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore } from './agent-profile.store';
import { AgentRuntime, GoalScope, TaskInput, TaskOutput } from './agent-runtime.service';
import { AgentSpawner } from './agent-spawner.service';
import { LedgerBuffer, ProgressLedger } from './progress-ledger.service';
import { errorKindOf, Outcome } from './selection';
import { aggregate, divideOffline, runUnits, SwarmPlan, SwarmPlanSchema, SwarmUnit } from './swarm';

export interface SwarmTask extends TaskInput {
  tenant_id: string;
  goal_id: string;
  plan_version: number;
  capabilities: string[];
}

/**
 * The swarm pattern: a coordinator divides a task into independent units, ephemeral
 * workers (spawned within the limits, retired when done) run them in parallel up to
 * SWARM_CONCURRENCY, and the results are merged (deduplicated) or voted on.
 */
@Injectable()
export class SwarmCoordinator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly llm: LlmService,
    private readonly usage: LlmUsageRecorder,
    private readonly runtime: AgentRuntime,
    private readonly profiles: AgentProfileStore,
    private readonly spawner: AgentSpawner,
    private readonly ledger: ProgressLedger,
    private readonly events: GoalEventLog,
  ) {}

  /**
   * The units of a task. A division with no units (the schema allows it) leaves the task
   * whole: it runs as one unit, and swarm.started says so.
   */
  async divide(
    task: SwarmTask,
    goal: string,
    scope: GoalScope,
  ): Promise<SwarmPlan & { undivided?: true }> {
    const plan = await this.divideWith(task, goal, scope);
    if (plan.units.length) return plan;
    return { ...plan, units: [{ key: 'u1', instruction: task.description }], undivided: true };
  }

  private async divideWith(task: SwarmTask, goal: string, scope: GoalScope): Promise<SwarmPlan> {
    if (this.llm.isOffline) return divideOffline(task.description, this.config.SWARM_MAX_UNITS);
    const { value } = await this.llm.structured(
      SwarmPlanSchema,
      [
        new SystemMessage(KIND_SPECS.swarm_coordinator.systemPrompt),
        new HumanMessage(
          `Overall goal: ${goal}\n\nTask (${task.key}): ${task.title}\n${task.description}\n\nDivide it into at most ${this.config.SWARM_MAX_UNITS} independent units.`,
        ),
      ],
      { ...scope, taskId: task.id, agent: 'swarm_coordinator', purpose: 'swarm_division' },
    );
    return { ...value, units: value.units.slice(0, this.config.SWARM_MAX_UNITS) };
  }

  async run(
    task: SwarmTask,
    owner: AgentProfileRow,
    dependencies: Array<{ key: string; title: string; output: unknown }>,
    goal: string,
    scope: GoalScope,
  ): Promise<TaskOutput & { swarm: Record<string, unknown> }> {
    const plan = await this.divide(task, goal, scope);
    const wanted = Math.min(plan.units.length, this.config.SWARM_CONCURRENCY);
    const workers = await inTransaction(this.dataSource, async (uow) => {
      const spawned = await this.spawner.spawnWorkers(
        uow,
        task.tenant_id,
        task.goal_id,
        task.id,
        wanted,
      );
      await this.events.append(
        uow,
        task.tenant_id,
        task.goal_id,
        'swarm.started',
        {
          task_key: task.key,
          units: plan.units.length,
          aggregation: plan.aggregation,
          ...(plan.undivided ? { undivided: true } : {}),
          concurrency: Math.max(1, spawned.length),
        },
        task.id,
      );
      return spawned;
    });
    // when the limits allow no worker at all, the task's own agent works the units one by one
    const pool = workers.length ? [...workers] : [owner];
    const outcomes = new Map<string, Outcome[]>();
    const taskType = taskTypeOf(task);
    const toolCalls: TaskOutput['tool_calls'] = [];
    const ledgerRows: LedgerBuffer = [];
    let provider = this.llm.provider;
    // the workers' calls are stored in one statement once every unit is done, not one by one
    // while the others are still waiting for their answers
    const deferredUsage: DeferredUsage = [];
    const unitScope = { ...scope, deferredUsage };
    const { results, wallMs } = await runUnits(plan.units, pool.length, async (unit: SwarmUnit) => {
      const worker = pool.shift()!;
      const started = performance.now();
      try {
        const output = await this.runtime.executeTask(
          {
            id: task.id,
            key: `${task.key}.${unit.key}`,
            title: unit.instruction.slice(0, 200),
            description: unit.instruction,
            acceptance_criteria: null,
          },
          dependencies,
          goal,
          unitScope,
          {
            agent: {
              id: worker.id,
              name: worker.name,
              kind: worker.kind,
              systemPrompt: worker.system_prompt,
            },
            onTurn: this.ledger.watch(
              {
                tenantId: task.tenant_id,
                goalId: task.goal_id,
                planVersion: task.plan_version,
                taskId: task.id,
                taskKey: `${task.key}.${unit.key}`,
                agentId: worker.id,
              },
              ledgerRows,
            ),
          },
        );
        provider = output.provider;
        toolCalls.push(...output.tool_calls);
        record(outcomes, worker.id, {
          taskType,
          success: true,
          tokens: 0,
          durationMs: performance.now() - started,
          at: new Date(),
        });
        return output.text;
      } catch (error) {
        record(outcomes, worker.id, {
          taskType,
          success: false,
          tokens: 0,
          durationMs: performance.now() - started,
          errorKind: errorKindOf((error as Error).message),
          at: new Date(),
        });
        throw error;
      } finally {
        pool.push(worker);
      }
    });
    await this.usage.recordAll(deferredUsage);
    const combined = aggregate(results, plan.aggregation);
    // the workers' learning steps, their retirement and the events: a few statements, not a few per worker
    await inTransaction(this.dataSource, async (uow) => {
      await this.ledger.flush(uow, ledgerRows);
      await this.profiles.retireWithOutcomes(
        uow.manager,
        task.tenant_id,
        workers.map((worker) => ({ id: worker.id, outcomes: outcomes.get(worker.id) ?? [] })),
      );
      await this.events.appendMany(uow, task.tenant_id, task.goal_id, [
        ...workers.map((worker) => ({
          type: 'agent.retired' as const,
          data: {
            agent_id: worker.id,
            name: worker.name,
            reason: 'ephemeral swarm worker finished',
          },
          taskId: task.id,
        })),
        {
          type: 'swarm.completed',
          data: {
            task_key: task.key,
            units: plan.units.length,
            succeeded: combined.succeeded,
            failed: combined.failed,
            duplicates_removed: combined.duplicatesRemoved,
            wall_ms: Math.round(wallMs),
            aggregation: plan.aggregation,
          },
          taskId: task.id,
        },
      ]);
    });
    if (!combined.succeeded) {
      const first = results.find((r) => !r.ok)?.error ?? 'no result';
      throw new Error(`all ${results.length} swarm units failed; first error: ${first}`);
    }
    return {
      text: combined.text,
      provider,
      tool_calls: toolCalls,
      swarm: {
        units: plan.units.length,
        workers: workers.length,
        aggregation: plan.aggregation,
        succeeded: combined.succeeded,
        failed: combined.failed,
        duplicates_removed: combined.duplicatesRemoved,
        ...(combined.votes ? { votes: combined.votes } : {}),
        wall_ms: Math.round(wallMs),
      },
    };
  }
}

function record<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}
