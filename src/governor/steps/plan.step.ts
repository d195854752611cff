import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '#common';
import { AgentRuntime, GoalScope } from '../../agents/agent-runtime.service';
import { AgentWorkforce } from '../../agents/agent-workforce.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/app-config';
import { inTransaction } from '../../database/transaction';
import type { NewGoalEvent } from '../../events/goal-event-log.service';
import { MemoryLearning } from '../../memory/memory-learning.service';
import { HookManager } from '../../hooks/hook-manager';
import { GoalStore } from '../goal-store.service';
import type { GoalRow } from '../../goal-records/goal.types';
import type { Intent } from '../../planning/schemas';
import { TaskRepository } from '../../goal-records/task.repository';
import { AssignStep } from './assign.step';
import { PlanningRecall } from './planning-recall';

/**
 * TASK_DECOMPOSITION: the planner builds the task graph from the intent, recalled memory
 * and the evolver's guidance; the tasks, the plan's events and the assignment that follows
 * commit in one transaction.
 */
@Injectable()
export class PlanStep {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly agents: AgentRuntime,
    private readonly workforce: AgentWorkforce,
    private readonly learning: MemoryLearning,
    private readonly store: GoalStore,
    private readonly taskRows: TaskRepository,
    private readonly recall: PlanningRecall,
    private readonly assignment: AssignStep,
    private readonly hooks: HookManager,
  ) {}

  async run(goal: GoalRow, scope: GoalScope): Promise<void> {
    const intent = goal.intent as Intent;
    const { planning, variant, ...recalling } = await this.recall.forPlanning(goal);
    const [plan, recall] = await Promise.all([
      this.agents.plan(goal.goal, intent, scope, goal.feedback ?? undefined, planning),
      recalling.recall,
    ]);
    const version = goal.plan_version + 1;
    await this.workforce.prepare(goal.tenant_id);
    await inTransaction(this.dataSource, async (uow) => {
      const tasks = await this.taskRows.insertPlan(
        uow.manager,
        goal.tenant_id,
        goal.id,
        version,
        this.config.TASK_MAX_ATTEMPTS,
        plan.tasks.map((t) => ({
          id: uuidv7(),
          key: t.key,
          title: t.title,
          description: t.description,
          depends_on: t.depends_on,
          capabilities: t.capabilities,
          acceptance_criteria: t.acceptance_criteria ?? null,
        })),
      );
      // what was recalled, the plan and the transition: one statement
      const planned: NewGoalEvent = {
        type: 'plan.created',
        data: {
          plan_version: version,
          provider: plan.provider,
          tasks: plan.tasks.map((t) => ({ key: t.key, title: t.title, depends_on: t.depends_on })),
          ...(plan.reused ? { reused: true, procedure_id: planning.procedure?.memory_id } : {}),
          ...(planning.lessons.length ? { lessons: planning.lessons } : {}),
          ...(variant ? { variant } : {}),
        },
      };
      // The assignment follows in the same transaction (AGENT_ASSIGNMENT resumes it). These
      // events are written with its last statement: written here, they would wait for the
      // assignment's statements before their commit, and reach subscribers that much later.
      const held = await this.store.transitionHeld(
        uow,
        goal,
        'TASK_DECOMPOSITION',
        'AGENT_ASSIGNMENT',
        { plan_version: version },
        [...(recall ? [this.learning.retrievedEvent(recall)] : []), planned],
      );
      tasks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      await this.assignment.within(uow, { ...goal, plan_version: version }, tasks, held);
    });
    if (this.hooks.has('plan.after_create'))
      await this.hooks.emit('plan.after_create', goal.tenant_id, {
        goal_id: goal.id,
        plan_version: version,
        provider: plan.provider,
        tasks: plan.tasks.map((t) => ({
          key: t.key,
          title: t.title,
          description: t.description,
          depends_on: t.depends_on,
          capabilities: t.capabilities,
        })),
      });
  }
}
