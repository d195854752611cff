import { Injectable } from '@nestjs/common';
import type { UnitOfWork } from '../database/transaction';
import { GoalEventLog, NewGoalEvent } from '../events/goal-event-log.service';
import { TaskRepository } from '../goal-records/task.repository';
import { specialistFor } from './agent-kinds';
import { AgentProfileRow, AgentProfileStore, candidateOf } from './agent-profile.store';
import { AgentSelector } from './agent-selector.service';
import { AgentSpawner } from './agent-spawner.service';
import { Award, MarketAuction } from './market-auction.service';
import { rankCandidates, requirementFit } from './selection';
import type { WorkGoal, WorkTask } from './work-items';

/** Who does each task: selection, spawning a specialist, or an auction in the market pattern. */
@Injectable()
export class AgentAssigner {
  constructor(
    private readonly profiles: AgentProfileStore,
    private readonly selector: AgentSelector,
    private readonly spawner: AgentSpawner,
    private readonly auction: MarketAuction,
    private readonly events: GoalEventLog,
    private readonly tasks: TaskRepository,
  ) {}

  /**
   * Assigns every unassigned task (AGENT_ASSIGNMENT), inside the runner's transaction.
   * Decisions are made task by task (a spawned specialist joins the pool at once); the
   * round's assignments and bids are then written together. Its events are returned, after
   * `lead` (events of the transaction not written yet), for the caller to write with its
   * last statement; a spawn writes `lead` first, so its events keep their place. The
   * agent each task was given is returned too, by task id.
   */
  async assign(
    uow: UnitOfWork,
    goal: WorkGoal,
    tasks: WorkTask[],
    lead: NewGoalEvent[] = [],
  ): Promise<{ events: NewGoalEvent[]; agents: Map<string, AgentProfileRow> }> {
    const pool = await this.selector.candidates(uow.manager, goal.tenant_id);
    const reused = new Set<string>();
    const assignments: Assignment[] = [];
    const awards: Award[] = [];
    const events: NewGoalEvent[] = [];
    const toMark: string[] = [];
    for (const task of tasks.filter((t) => !t.agent_id)) {
      const ranked = rankCandidates(pool.map(candidateOf), task);
      const bestFit = ranked.length
        ? Math.max(...ranked.map((r) => requirementFit(r.breakdown)))
        : undefined;
      let agent: AgentProfileRow | undefined;
      let reason = '';
      let score: number | undefined;
      let breakdown: Record<string, number> | undefined;
      if (this.spawner.needsSpawn(bestFit)) {
        if (lead.length) await this.events.appendMany(uow, goal.tenant_id, goal.id, lead.splice(0));
        const spawn = await this.spawner.spawn(uow, {
          tenantId: goal.tenant_id,
          goalId: goal.id,
          taskId: task.id,
          seed: specialistFor(task),
          ephemeral: false,
          bestScore: bestFit,
          reason: `no agent fits task ${task.key} (needs ${task.capabilities.join(', ') || 'general'})`,
        });
        if (spawn) {
          agent = spawn.agent;
          if (!pool.some((p) => p.id === agent!.id)) pool.push(agent);
          reason = spawn.created
            ? `spawned specialist ${agent.name}: best existing requirement fit ${bestFit ?? 'none'} is below ${this.spawner.limits.threshold}`
            : `joined specialist ${agent.name}, spawned for the same need at the same time: best existing requirement fit ${bestFit ?? 'none'} is below ${this.spawner.limits.threshold}`;
          if (spawn.created) reused.add(agent.id);
        }
      }
      if (!agent && goal.pattern === 'market') {
        const award = this.auction.auction(task, pool);
        if (award) {
          agent = pool.find((p) => p.id === award.result.winner.agentId)!;
          reason = `auction: ${award.result.reason}`;
          awards.push(award);
          events.push(this.auction.awardEvent(award));
        }
      }
      if (!agent) {
        const selection = this.selector.select(pool, task);
        if (!selection)
          throw new Error(`no agent can take task ${task.key} and none may be spawned`);
        agent = pool.find((p) => p.id === selection.chosen.candidate.id)!;
        reason = selection.reason;
        score = selection.chosen.score;
        breakdown = { ...selection.chosen.breakdown };
      }
      if (!reused.has(agent.id) && !agent.builtin) {
        reused.add(agent.id);
        toMark.push(agent.id);
      }
      const assignment = { task, agent, reason, score, breakdown };
      assignments.push(assignment);
      events.push(assignedEvent(assignment));
    }
    // one statement, rows locked in id order: concurrent assignments never deadlock on them
    await this.profiles.markReused(uow.manager, goal.tenant_id, toMark);
    await this.auction.record(uow, goal.tenant_id, goal.id, awards);
    await this.writeAssignments(uow, goal.tenant_id, assignments);
    return {
      events: [...lead, ...events],
      agents: new Map(assignments.map((a) => [a.task.id, a.agent])),
    };
  }

  /** Reassigns one task (after a failed attempt), with its agent.assigned event. */
  async reassign(uow: UnitOfWork, goal: WorkGoal, assignment: Assignment): Promise<void> {
    await this.writeAssignments(uow, goal.tenant_id, [assignment]);
    await this.events.appendMany(uow, goal.tenant_id, goal.id, [assignedEvent(assignment)]);
  }

  /** Stores the agents of several tasks in one statement and mirrors them on the rows. */
  private async writeAssignments(
    uow: UnitOfWork,
    tenantId: string,
    assignments: readonly Assignment[],
  ): Promise<void> {
    if (!assignments.length) return;
    await this.tasks.assignAgents(
      uow.manager,
      tenantId,
      assignments.map((a) => ({ taskId: a.task.id, agentId: a.agent.id, agentKind: a.agent.kind })),
    );
    for (const { task, agent } of assignments) {
      task.agent_id = agent.id;
      task.agent_kind = agent.kind;
    }
  }
}

/** Who takes a task, and why. */
export interface Assignment {
  task: WorkTask;
  agent: AgentProfileRow;
  reason: string;
  score?: number;
  breakdown?: Record<string, number>;
}

function assignedEvent({ task, agent, reason, score, breakdown }: Assignment): NewGoalEvent {
  return {
    type: 'agent.assigned',
    taskId: task.id,
    data: {
      task_id: task.id,
      task_key: task.key,
      agent_id: agent.id,
      agent_kind: agent.kind,
      agent_name: agent.name,
      reason,
      ...(score !== undefined ? { score } : {}),
      ...(breakdown ? { breakdown } : {}),
    },
  };
}
