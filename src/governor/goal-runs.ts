import { Injectable } from '@nestjs/common';
import type { AgentProfileRow } from '../agents/agent-profile.store';
import type { MemoryLearning } from '../memory/memory-learning.service';
import { GoalStore } from './goal-store.service';
import type { GoalRow, TaskRow } from '../goal-records/goal.types';
import type { CriticVerdict, Intent } from '../planning/schemas';

type RecallSearch = Awaited<ReturnType<MemoryLearning['search']>>;

/** What one run of a goal carries from step to step. */
export interface GoalRun {
  controller: AbortController;
  /** The goal row as the last committed transition (or the lease) left it: saves a reload. */
  latest?: GoalRow;
  /** The plan's task rows as the run keeps them (see `planTasksOf`), with the agents assigned to them. */
  tasks?: { version: number; rows: TaskRow[]; agents?: ReadonlyMap<string, AgentProfileRow> };
  /** The intent analysis, started while the goal moves to INTENT_ANALYSIS. */
  analysis?: Promise<Intent>;
  /** The first plan's memory search, started with the intent analysis. */
  search?: Promise<RecallSearch | undefined>;
  /** Whether the tenant has live evolver variants, asked with the intent analysis. */
  variants?: Promise<boolean | undefined>;
  /** The critic's verdict on a plan, started once every task had answered (see `VerifyStep.ahead`). */
  verdict?: { planVersion: number; verdict: Promise<CriticVerdict> };
}

/**
 * The goals this process is driving, each with what its run carries from step to step,
 * so a step does not read again what the previous one has just written.
 */
@Injectable()
export class GoalRuns {
  private readonly runs = new Map<string, GoalRun>();

  constructor(private readonly store: GoalStore) {}

  get size(): number {
    return this.runs.size;
  }

  get(goalId: string): GoalRun | undefined {
    return this.runs.get(goalId);
  }

  /** A new run of the goal; undefined when this process is driving it already. */
  begin(goalId: string): GoalRun | undefined {
    if (this.runs.has(goalId)) return undefined;
    const run: GoalRun = { controller: new AbortController() };
    this.runs.set(goalId, run);
    return run;
  }

  end(goalId: string): void {
    this.runs.delete(goalId);
  }

  abort(goalId: string, reason: Error): void {
    this.runs.get(goalId)?.controller.abort(reason);
  }

  /** The row a committed transition left: the next step starts from it. */
  keepLatest(goalId: string, row: GoalRow): void {
    const run = this.runs.get(goalId);
    if (run) run.latest = row;
  }

  /** The row to start the next step from, once: undefined when it must be read. */
  takeLatest(goalId: string): GoalRow | undefined {
    const run = this.runs.get(goalId);
    const latest = run?.latest;
    if (run) run.latest = undefined;
    return latest;
  }

  keepTasks(
    goal: Pick<GoalRow, 'id' | 'plan_version'>,
    tasks: TaskRow[],
    agents?: ReadonlyMap<string, AgentProfileRow>,
  ): void {
    const run = this.runs.get(goal.id);
    if (run) run.tasks = { version: goal.plan_version, rows: tasks, agents };
  }

  /** The profile of the agent this run assigned to the task, while the task still has that agent. */
  assignedAgent(task: Pick<TaskRow, 'id' | 'goal_id' | 'agent_id'>): AgentProfileRow | undefined {
    const agent = this.runs.get(task.goal_id)?.tasks?.agents?.get(task.id);
    return agent && agent.id === task.agent_id ? agent : undefined;
  }

  /** After a database outage the kept task rows may be behind what was committed. */
  forgetTasks(goalId: string): void {
    const run = this.runs.get(goalId);
    if (run) {
      run.tasks = undefined;
      run.verdict = undefined;
    }
  }

  /**
   * The plan's task rows as this run last left them (assigned, then run: the runner keeps
   * its in-memory rows in step with what it writes); read from the database otherwise.
   */
  async planTasksOf(goal: GoalRow): Promise<TaskRow[]> {
    const kept = this.runs.get(goal.id)?.tasks;
    if (kept && kept.version === goal.plan_version) return kept.rows;
    return this.store.tasks(goal.tenant_id, goal.id, goal.plan_version);
  }
}
