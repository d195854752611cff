import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  backoffDelay,
  isUuid,
  Semaphore,
  sleep,
  uuidv7,
  WriteBatcher,
} from '../../libs/common/src';
import {
  AgentRuntime,
  GoalScope,
  outputText,
  PlanningMemory,
  type TaskOutput,
} from '../agents/agent-runtime.service';
import { AgentWorkforce } from '../agents/agent-workforce.service';
import type { AgentProfileRow } from '../agents/agent-profile.store';
import { applyChecks } from '../agents/critic-checks';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { DatabaseAvailability } from '../database/database-availability.service';
import {
  inOneStatement,
  inTransaction,
  retryingStatement,
  UnitOfWork,
} from '../database/transaction';
import { LlmUsageRecorder } from '../llm/llm-usage.recorder';
import { GoalEventLog, NewGoalEvent } from '../events/goal-event-log.service';
import { ApprovalHolds, TaskInterruption } from '../safety/approval-holds.service';
import type { ApprovalPending } from '../safety/safety-errors';
import { Evolver } from '../evolution/evolver.service';
import { MemoryLearning, Recall } from '../memory/memory-learning.service';
import { GoalState, isTerminal } from './goal-fsm';
import { GoalLeases } from './goal-lease.service';
import { GoalStore, StateConflict } from './goal-store.service';
import type { GoalRow, TaskRow } from './goal.types';
import { isSequential, Pattern, patternFor, usesMemory } from './pattern';
import { Complexity, hasParallelism, Intent } from '../planning/schemas';

/**
 * Drives one goal through the FSM, persisting every step before announcing it. Any
 * process holding the goal's lease can pick it up from its last persisted state.
 */
@Injectable()
export class GoalRunner {
  private readonly logger = new Logger('GoalRunner');
  /** The goals this process is driving, with what each run carries from step to step. */
  private readonly runs = new Map<string, GoalRun>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly store: GoalStore,
    private readonly events: GoalEventLog,
    private readonly leases: GoalLeases,
    private readonly agents: AgentRuntime,
    private readonly holds: ApprovalHolds,
    private readonly learning: MemoryLearning,
    private readonly evolver: Evolver,
    private readonly workforce: AgentWorkforce,
    private readonly usage: LlmUsageRecorder,
    private readonly database: DatabaseAvailability,
  ) {}

  get activeGoals(): number {
    return this.runs.size;
  }

  /** Stops local work on a goal (after it was cancelled). */
  abort(goalId: string): void {
    this.runs.get(goalId)?.controller.abort(new Error('goal cancelled'));
  }

  async run(tenantId: string, goalId: string): Promise<void> {
    // the lease belongs to the process: a job queued again (sweeper, queue retry) while this
    // process still drives the goal, e.g. through a database outage, must not drive it twice
    if (this.runs.has(goalId)) return;
    const controller = new AbortController();
    const run: GoalRun = { controller };
    this.runs.set(goalId, run);
    let leased: GoalRow | undefined;
    try {
      leased = await this.leases.acquire(tenantId, goalId);
    } finally {
      if (!leased) this.runs.delete(goalId);
    }
    if (!leased) return;
    // the first step starts from the row the lease returned
    run.latest = leased;
    const heartbeat = setInterval(
      () => {
        this.leases.renew(tenantId, goalId).then(
          (held) => held || controller.abort(new Error('lease lost or goal no longer running')),
          () => undefined,
        );
      },
      Math.max(100, Math.floor(this.config.LEASE_TTL_MS / 3)),
    );
    heartbeat.unref();
    try {
      await this.drive(tenantId, goalId, controller.signal);
    } catch (error) {
      // a database that is away: the goal stays where it is and is resumed (sweeper)
      if (controller.signal.aborted || error instanceof StateConflict) return;
      if (this.database.isTransient(error)) return;
      await this.fail(tenantId, goalId, [`internal error: ${(error as Error).message}`]).catch(
        () => undefined,
      );
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.runs.delete(goalId);
      await this.leases.release(tenantId, goalId).catch(() => undefined);
    }
  }

  private async drive(tenantId: string, goalId: string, signal: AbortSignal): Promise<void> {
    const scope: GoalScope = { tenantId, goalId, signal };
    let conflictedIn: GoalState | undefined;
    for (;;) {
      if (signal.aborted) return;
      const run = this.runs.get(goalId);
      let state: GoalState | undefined;
      try {
        const goal = run?.latest ?? (await this.store.get(tenantId, goalId));
        if (run) run.latest = undefined;
        state = goal.state;
        if (isTerminal(goal.state) || goal.state === 'AWAITING_APPROVAL') return;
        await this.step(goal, scope);
        conflictedIn = undefined;
      } catch (error) {
        if (signal.aborted) return;
        if (this.database.isTransient(error)) {
          // every step finds what an earlier attempt committed: wait, then run it again
          this.logger.warn(`goal ${goalId} waits for the database: ${(error as Error).message}`);
          if (run) run.tasks = undefined;
          await this.database.waitUntilAvailable(error, signal);
          const leased = await this.leases.acquire(tenantId, goalId);
          if (!leased) return; // another process took the goal over meanwhile
          if (run) run.latest = leased;
          continue;
        }
        if (error instanceof StateConflict) {
          // an attempt whose COMMIT went unanswered may have moved the goal on: carry on
          // from where it is, unless the goal left this process or the conflict repeats
          if (conflictedIn === state || !(await this.leases.renew(tenantId, goalId))) return;
          conflictedIn = state;
          continue;
        }
        if (!state) throw error;
        const reason = (error as Error).message;
        this.logger.warn(`goal ${goalId} failed in ${state}: ${reason}`);
        await this.fail(tenantId, goalId, [`${state}: ${reason}`]);
        return;
      }
    }
  }

  private async step(goal: GoalRow, scope: GoalScope): Promise<void> {
    switch (goal.state) {
      case 'RECEIVED':
        // the analysis needs nothing from the transition: it starts while that is written
        void this.startAnalysis(goal, scope);
        return this.move(goal, 'INTENT_ANALYSIS');
      case 'INTENT_ANALYSIS':
        return this.analyze(goal, scope);
      case 'TASK_DECOMPOSITION':
        return this.decompose(goal, scope);
      case 'AGENT_ASSIGNMENT':
        return this.assign(goal);
      case 'EXECUTING':
      case 'PARALLEL_EXECUTING':
        return this.execute(goal, scope);
      case 'VERIFYING':
        return this.verify(goal, scope);
      case 'REPLANNING':
        return this.move(goal, 'TASK_DECOMPOSITION');
      case 'WRITING_MEMORY':
        return this.writeMemory(goal);
      case 'REFLECTING':
        return this.reflect(goal);
      default:
        throw new Error(`no step for state ${goal.state}`);
    }
  }

  /** A transition of this run: once committed, its row is where the next step starts. */
  private async advance(...transition: Parameters<GoalStore['transition']>): Promise<void> {
    const [uow, goal] = transition;
    const row = await this.store.transition(...transition);
    const run = this.runs.get(goal.id);
    if (run) uow.afterCommit(() => (run.latest = row));
  }

  private move(goal: GoalRow, to: GoalState): Promise<void> {
    // a transition is one statement (the goal row and its goal.status event)
    return inOneStatement(this.dataSource, (uow) => this.advance(uow, goal, goal.state, to));
  }

  /**
   * Starts the intent analysis and, for a first plan, the memory search (it needs only the
   * goal text) ahead of the step that awaits them.
   */
  private startAnalysis(goal: GoalRow, scope: GoalScope): Promise<Intent> {
    const run = this.runs.get(goal.id) ?? { controller: new AbortController() };
    if (run.analysis) return run.analysis;
    run.analysis = this.agents.analyzeIntent(goal.goal, scope);
    run.analysis.catch(() => undefined); // awaited (and reported) by analyze()
    if (goal.plan_version === 0 && !goal.feedback)
      run.search = this.learning.search(goal, true).catch(() => undefined);
    return run.analysis;
  }

  private async analyze(goal: GoalRow, scope: GoalScope): Promise<void> {
    const intent = await this.startAnalysis(goal, scope);
    const run = this.runs.get(goal.id);
    if (run) run.analysis = undefined;
    const pattern = (goal.requested_pattern as Pattern | null) ?? patternFor(intent.complexity);
    await inOneStatement(this.dataSource, (uow) =>
      this.advance(
        uow,
        goal,
        'INTENT_ANALYSIS',
        'TASK_DECOMPOSITION',
        { intent, complexity: intent.complexity, risk: intent.risk, pattern },
        undefined,
        [
          {
            type: 'goal.intent',
            data: {
              objective: intent.objective,
              complexity: intent.complexity,
              risk: intent.risk,
              capabilities: intent.capabilities,
              provider: intent.provider,
            },
          },
        ],
      ),
    );
  }

  private async decompose(goal: GoalRow, scope: GoalScope): Promise<void> {
    const intent = goal.intent as Intent;
    const { recall, planning, variant } = await this.recallForPlanning(goal);
    const plan = await this.agents.plan(
      goal.goal,
      intent,
      scope,
      goal.feedback ?? undefined,
      planning,
    );
    const version = goal.plan_version + 1;
    await this.workforce.prepare(goal.tenant_id);
    await inTransaction(this.dataSource, async (uow) => {
      const tasks: TaskRow[] = await uow.manager.query(
        `INSERT INTO tasks (id, tenant_id, goal_id, plan_version, key, title, description, depends_on, capabilities, acceptance_criteria, status, max_attempts)
         SELECT t.id, $1, $2, $3, t.key, t.title, t.description, t.depends_on, t.capabilities, t.acceptance_criteria, 'pending', $4
         FROM jsonb_to_recordset($5::jsonb) AS t(id uuid, key text, title text, description text,
           depends_on text[], capabilities text[], acceptance_criteria text)
         ON CONFLICT (goal_id, plan_version, key) DO NOTHING
         RETURNING *`,
        [
          goal.tenant_id,
          goal.id,
          version,
          this.config.TASK_MAX_ATTEMPTS,
          JSON.stringify(
            plan.tasks.map((t) => ({
              id: uuidv7(),
              key: t.key,
              title: t.title,
              description: t.description,
              depends_on: t.depends_on,
              capabilities: t.capabilities,
              acceptance_criteria: t.acceptance_criteria ?? null,
            })),
          ),
        ],
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
      // The assignment follows in the same transaction (AGENT_ASSIGNMENT below resumes it).
      // These events are written with its last statement: written here, they would wait for
      // the assignment's statements before their commit, and reach subscribers that much later.
      const held = await this.store.transitionHeld(
        uow,
        goal,
        'TASK_DECOMPOSITION',
        'AGENT_ASSIGNMENT',
        { plan_version: version },
        [...(recall ? [this.learning.retrievedEvent(recall)] : []), planned],
      );
      tasks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      await this.assignWithin(uow, { ...goal, plan_version: version }, tasks, held);
    });
  }

  /** AGENT_ASSIGNMENT, for a goal that stopped between its plan and the assignment. */
  private async assign(goal: GoalRow): Promise<void> {
    await this.workforce.prepare(goal.tenant_id);
    await inTransaction(this.dataSource, async (uow) =>
      this.assignWithin(
        uow,
        goal,
        await this.store.tasks(goal.tenant_id, goal.id, goal.plan_version, uow.manager),
      ),
    );
  }

  private async assignWithin(
    uow: UnitOfWork,
    goal: GoalRow,
    tasks: TaskRow[],
    held: NewGoalEvent[] = [],
  ): Promise<void> {
    const parallel = !isSequential((goal.pattern ?? 'single') as Pattern) && hasParallelism(tasks);
    // agents: selection, spawning and auctions live in AgentWorkforce
    const events = await this.workforce.assign(uow, goal, tasks, held);
    await this.advance(
      uow,
      goal,
      'AGENT_ASSIGNMENT',
      parallel ? 'PARALLEL_EXECUTING' : 'EXECUTING',
      {},
      undefined,
      events,
    );
    uow.afterCommit(() => this.keepTasks(goal, tasks));
  }

  /**
   * The plan's task rows as this run last left them (assigned, then run: the runner keeps
   * its in-memory rows in step with what it writes); read from the database otherwise.
   */
  private async planTasksOf(goal: GoalRow): Promise<TaskRow[]> {
    const kept = this.runs.get(goal.id)?.tasks;
    if (kept && kept.version === goal.plan_version) return kept.rows;
    return this.store.tasks(goal.tenant_id, goal.id, goal.plan_version);
  }

  private keepTasks(goal: Pick<GoalRow, 'id' | 'plan_version'>, tasks: TaskRow[]): void {
    const run = this.runs.get(goal.id);
    if (run) run.tasks = { version: goal.plan_version, rows: tasks };
  }

  private async execute(goal: GoalRow, scope: GoalScope): Promise<void> {
    const tasks = await this.planTasksOf(goal);
    const byKey = new Map(tasks.map((t) => [t.key, t]));
    const limit = goal.state === 'EXECUTING' ? 1 : this.config.TASK_CONCURRENCY;
    const semaphore = new Semaphore(limit);
    const inFlight = new Map<string, Promise<void>>();
    let failure: { task: TaskRow; error: string; fatal?: boolean } | undefined;
    // a database fault: no new task starts, the ones in flight settle, then the step throws
    let thrown: { error: unknown } | undefined;
    const held: ApprovalPending[] = []; // safety gate: actions waiting for a human
    const wave: TaskWave = {
      executing: 0,
      starts: new WriteBatcher((items) => this.startTasks(items)),
      finishes: new WriteBatcher((items) => this.finishTasks(items), 200, {
        // tasks still executing finish soon after one another: store their results together
        hold: () => wave.executing > 0,
        maxHoldMs: FINISH_HOLD_MS,
      }),
    };

    const ready = () =>
      tasks.filter(
        (t) =>
          (t.status === 'pending' || t.status === 'running') &&
          !inFlight.has(t.key) &&
          t.depends_on.every((d) => byKey.get(d)?.status === 'completed'),
      );
    for (;;) {
      if (!failure && !thrown && !held.length && !scope.signal?.aborted) {
        for (const task of ready()) {
          const work = semaphore
            .run(() => this.runTask(goal, task, byKey, scope, wave))
            .then((result) => {
              if (!result.ok && 'hold' in result) held.push(result.hold);
              else if (!result.ok && !failure)
                failure = { task, error: result.error, fatal: 'fatal' in result };
            })
            .catch((error: unknown) => void (thrown ??= { error }))
            .finally(() => inFlight.delete(task.key));
          inFlight.set(task.key, work);
        }
      }
      if (!inFlight.size) break;
      await Promise.race(inFlight.values());
    }
    if (scope.signal?.aborted) return;
    if (thrown) throw thrown.error;
    // --- safety gate: a fatal violation fails the goal; holds await a human ---
    if (failure?.fatal)
      return this.fail(goal.tenant_id, goal.id, [
        `task ${failure.task.key} (${failure.task.title}): ${failure.error}`,
      ]);
    if (!failure && held.length)
      return this.holds.suspend(goal, held, (uow, reason) =>
        this.advance(uow, goal, goal.state, 'AWAITING_APPROVAL', {}, reason),
      );
    // --- end safety gate ---
    if (failure)
      return this.replanOrFail(
        goal,
        `task ${failure.task.key} (${failure.task.title}) failed: ${failure.error}`,
      );
    const unfinished = tasks.filter((t) => t.status !== 'completed');
    if (unfinished.length)
      throw new Error(`tasks ${unfinished.map((t) => t.key).join(', ')} could not run`);
    await this.move(goal, 'VERIFYING');
  }

  /**
   * Marks tasks of one goal running (attempt number, start time), takes their agents' running
   * slots and appends their task.started events, in one statement. Answers per task: its
   * agent's profile row (null without a profile), or undefined when the task could not start.
   */
  private async startTasks(
    items: ReadonlyArray<{ task: TaskRow; attempt: number }>,
  ): Promise<Array<AgentProfileRow | null | undefined>> {
    const { tenant_id: tenantId, goal_id: goalId } = items[0].task;
    const input = items.map(({ task, attempt }, ord) => ({
      ord,
      id: task.id,
      attempt,
      agent_id: task.agent_id && isUuid(task.agent_id) ? task.agent_id : null,
    }));
    const rows = await retryingStatement(() =>
      this.events.appendFromRows(
        this.dataSource.manager,
        [
          {
            name: 'change',
            sql: `UPDATE tasks t SET status = 'running', attempts = i.attempt,
                  started_at = coalesce(t.started_at, now()), updated_at = now()
                FROM jsonb_to_recordset($1::jsonb) AS i(ord int, id uuid, attempt int, agent_id uuid)
                WHERE t.id = i.id AND t.tenant_id = $2 AND t.goal_id = $3 AND t.status IN ('pending', 'running')
                RETURNING i.ord, t.id AS task_id, i.agent_id, 'task.started' AS type,
                  jsonb_build_object('task_key', t.key, 'attempt', i.attempt, 'agent_id', t.agent_id) AS data`,
            params: [JSON.stringify(input), tenantId, goalId],
          },
          this.workforce.startSlotsPart(tenantId),
        ],
        'change',
        tenantId,
        goalId,
        {
          columns:
            '(SELECT row_to_json(agent) FROM agent WHERE agent.id = change.agent_id) AS agent',
          join: 'JOIN change ON change.task_id = ev.task_id',
        },
      ),
    );
    const agents = new Map(
      rows.map(({ event, row }) => [event.task_id, (row.agent ?? null) as AgentProfileRow | null]),
    );
    return items.map(({ task }) => agents.get(task.id));
  }

  /**
   * Stores the results of successful attempts of one goal in one statement: each task
   * completed with its output, its task.completed and agent.completed events (with the
   * task's token totals), its agent's learning step and its progress-ledger rows. Answers
   * per task whether it was stored (false when it was no longer running).
   */
  private async finishTasks(
    items: ReadonlyArray<{ task: TaskRow; attempt: number; output: TaskOutput }>,
  ): Promise<boolean[]> {
    const { tenant_id: tenantId, goal_id: goalId } = items[0].task;
    const { inputs, parts } = this.workforce.completions(
      items.map(({ task, output }) => ({ task, text: output.text })),
    );
    const input = items.map(({ task, attempt, output }, ord) => ({
      ...inputs[ord],
      ord,
      id: task.id,
      output,
      task_event: { task_key: task.key, attempt, prompt_tokens: 0, completion_tokens: 0 },
    }));
    const tokens = `jsonb_build_object('prompt_tokens', c.prompt_tokens, 'completion_tokens', c.completion_tokens, 'tokens', c.tokens)`;
    const rows = await retryingStatement(() =>
      this.events.appendFromRows(
        this.dataSource.manager,
        [
          {
            name: 'input',
            sql: `SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(ord int, id uuid, output jsonb, agent_id uuid,
                  agent_text text, task_type text, duration_ms real, at timestamptz, step_offset int,
                  fingerprint text, turns jsonb, turn_count int, loop_fact text, task_event jsonb, agent_event jsonb)`,
            params: [JSON.stringify(input)],
          },
          {
            name: 'change',
            sql: `UPDATE tasks t SET status = 'completed', output = i.output, error = NULL, completed_at = now(), updated_at = now()
                FROM input i WHERE t.id = i.id AND t.tenant_id = $1 AND t.goal_id = $2 AND t.status = 'running'
                RETURNING t.id AS task_id, t.prompt_tokens::int AS prompt_tokens,
                  t.completion_tokens::int AS completion_tokens, (t.prompt_tokens + t.completion_tokens)::int AS tokens`,
            params: [tenantId, goalId],
          },
          ...parts,
          {
            name: 'finished',
            sql: `SELECT i.ord * 2 AS ord, 'task.completed' AS type, c.task_id, i.task_event || ${tokens} AS data
                FROM input i JOIN change c ON c.task_id = i.id
                UNION ALL
                SELECT i.ord * 2 + 1, 'agent.completed', c.task_id, i.agent_event || ${tokens}
                FROM input i JOIN change c ON c.task_id = i.id WHERE i.agent_event IS NOT NULL`,
            params: [],
          },
        ],
        'finished',
        tenantId,
        goalId,
      ),
    );
    const stored = new Set(rows.map(({ event }) => event.task_id));
    return items.map(({ task }) => stored.has(task.id));
  }

  /** Runs one task with retries; updates the in-memory row so dependents see its status. */
  private async runTask(
    goal: GoalRow,
    task: TaskRow,
    byKey: Map<string, TaskRow>,
    scope: GoalScope,
    wave: TaskWave,
  ): Promise<{ ok: true } | { ok: false; error: string } | TaskInterruption> {
    const dependencies = task.depends_on
      .map((k) => byKey.get(k)!)
      .map((d) => ({ key: d.key, title: d.title, output: d.output }));
    for (;;) {
      const attempt = task.attempts + 1;
      // the task goes running and its agent takes a slot: one statement for all tasks starting together
      const started = await wave.starts.add({ task, attempt });
      if (started === undefined) throw new StateConflict(goal.id, goal.state);
      task.attempts = attempt;
      task.status = 'running';
      try {
        wave.executing++;
        let output: TaskOutput;
        try {
          output = await this.workforce.execute(
            goal,
            task,
            dependencies,
            scope,
            started ?? undefined,
          );
        } finally {
          wave.executing--;
          wave.finishes.recheck();
        }
        // the result, its events, the learning step and the ledger: one statement for the
        // tasks that finish together
        const stored = await wave.finishes.add({ task, attempt, output });
        // the task was no longer running (cancelled, or taken over): only free the agent
        if (!stored) await this.workforce.release(task);
        task.status = 'completed';
        task.output = output as unknown as Record<string, unknown>;
        return { ok: true };
      } catch (error) {
        if (scope.signal?.aborted || this.database.isTransient(error)) throw error;
        const interrupted = await this.holds.interrupt(task, attempt, error); // safety gate
        if (interrupted) {
          task.status = 'hold' in interrupted ? 'pending' : 'failed';
          task.attempts = 'hold' in interrupted ? attempt - 1 : attempt;
          return interrupted;
        }
        const message = (error as Error).message;
        // a loop stopped by the progress ledger replans at once instead of retrying
        const final = attempt >= task.max_attempts || this.workforce.isStall(error);
        const delay = final
          ? 0
          : backoffDelay(
              attempt,
              this.config.TASK_RETRY_BASE_MS,
              this.config.TASK_RETRY_BASE_MS * 16,
            );
        const change = {
          sql: `UPDATE tasks SET status = $3, error = $4, errors = errors || $5::jsonb, updated_at = now()
                WHERE id = $1 AND tenant_id = $2 AND status = 'running' RETURNING id`,
          params: [
            task.id,
            task.tenant_id,
            final ? 'failed' : 'pending',
            message,
            JSON.stringify([{ attempt, error: message, at: new Date().toISOString() }]),
          ],
        };
        await inTransaction(this.dataSource, async (uow) => {
          if (final)
            await this.events.appendWithChange(
              uow,
              change,
              task.tenant_id,
              task.goal_id,
              'task.failed',
              { task_key: task.key, attempt, error: message, final },
              task.id,
            );
          else
            await this.events.appendWithChange(
              uow,
              change,
              task.tenant_id,
              task.goal_id,
              'task.retrying',
              { task_key: task.key, attempt, error: message, delay_ms: delay },
              task.id,
            );
          await this.workforce.recordOutcome(uow, goal, task, {
            ok: false,
            final,
            error: message,
            tokens: 0,
          });
        });
        task.status = final ? 'failed' : 'pending';
        task.error = message;
        if (final) return { ok: false, error: message };
        await sleep(delay, scope.signal);
      }
    }
  }

  private async verify(goal: GoalRow, scope: GoalScope): Promise<void> {
    const tasks = await this.planTasksOf(goal);
    const modelVerdict = await this.agents.verify(
      goal.goal,
      tasks.map((t) => ({
        key: t.key,
        title: t.title,
        status: t.status,
        acceptance_criteria: t.acceptance_criteria,
        output: t.output,
      })),
      scope,
    );
    // deterministic critic checks (output schema, criteria, tool evidence)
    const verdict = { ...modelVerdict, ...applyChecks(modelVerdict, tasks) };
    // the critic may name tasks this plan does not have: they are ignored, and recorded
    const named = new Set(tasks.map((t) => t.key));
    const unknownFailed = modelVerdict.failed_tasks.filter((k) => !named.has(k));
    const verdictEvent: NewGoalEvent = {
      type: 'critic.verdict',
      data: {
        passed: verdict.passed,
        score: verdict.score,
        feedback: verdict.feedback,
        provider: verdict.provider,
        failed_tasks: modelVerdict.failed_tasks.filter((k) => named.has(k)),
        ...(unknownFailed.length ? { ignored_failed_tasks: unknownFailed } : {}),
      },
    };
    if (verdict.passed) {
      const sinks = tasks.filter((t) => !tasks.some((o) => o.depends_on.includes(t.key)));
      const result = {
        summary: sinks.map((t) => outputText(t.output)).join('\n\n'),
        outputs: Object.fromEntries(tasks.map((t) => [t.key, outputText(t.output)])),
        verdict: { score: verdict.score, feedback: verdict.feedback },
        provider: verdict.provider,
      };
      await inOneStatement(this.dataSource, (uow) =>
        this.advance(uow, goal, 'VERIFYING', 'WRITING_MEMORY', { result }, undefined, [
          verdictEvent,
        ]),
      );
    } else
      // the verdict and the replan (or failure) it causes commit together: a re-run of the
      // step after a crash does not record the verdict twice
      await this.replanOrFail(
        goal,
        `the critic rejected the result (score ${verdict.score}): ${verdict.feedback}`,
        [verdictEvent],
      );
  }

  private async replanOrFail(
    goal: GoalRow,
    reason: string,
    precededBy: NewGoalEvent[] = [],
  ): Promise<void> {
    if (goal.replan_count >= this.config.MAX_REPLANS) {
      return this.fail(
        goal.tenant_id,
        goal.id,
        [...(goal.failure_reasons ?? []), reason, `gave up after ${goal.replan_count} replans`],
        precededBy,
      );
    }
    await inTransaction(this.dataSource, async (uow) => {
      if (precededBy.length) await this.events.appendMany(uow, goal.tenant_id, goal.id, precededBy);
      await uow.manager.query(
        `UPDATE tasks SET status = 'superseded', updated_at = now() WHERE tenant_id = $1 AND goal_id = $2 AND plan_version = $3 AND status <> 'completed'`,
        [goal.tenant_id, goal.id, goal.plan_version],
      );
      await this.events.append(uow, goal.tenant_id, goal.id, 'goal.replanning', {
        replan: goal.replan_count + 1,
        reason,
      });
      await this.advance(
        uow,
        goal,
        goal.state,
        'REPLANNING',
        {
          replan_count: goal.replan_count + 1,
          feedback: reason,
          failure_reasons: [...(goal.failure_reasons ?? []), reason],
        },
        reason,
      );
    });
  }

  /** WRITING_MEMORY, then REFLECTING and COMPLETED in the same transaction. */
  private async writeMemory(goal: GoalRow): Promise<void> {
    const complexity = (goal.complexity ?? 'SIMPLE') as Complexity;
    const prepared = usesMemory(complexity)
      ? await this.learning.goalMemories(goal, await this.planTasksOf(goal))
      : undefined;
    const reflection = await this.learning.reflection(goal);
    await this.usage.settled(goal.id); // the goal's token totals are final when it completes
    await inTransaction(this.dataSource, async (uow) => {
      const written = prepared
        ? await this.learning.persistGoalMemories(uow, goal.tenant_id, prepared)
        : { ids: [], kinds: [] };
      await this.advance(uow, goal, 'WRITING_MEMORY', 'REFLECTING', {}, undefined, [
        { type: 'memory.written', data: { memory_ids: written.ids, kinds: written.kinds } },
      ]);
      await this.completeWithin(uow, goal, reflection);
    });
  }

  /** REFLECTING, for a goal that stopped between writing its memories and completing. */
  private async reflect(goal: GoalRow): Promise<void> {
    const reflection = await this.learning.reflection(goal);
    await this.usage.settled(goal.id);
    await inTransaction(this.dataSource, (uow) => this.completeWithin(uow, goal, reflection));
  }

  private async completeWithin(
    uow: UnitOfWork,
    goal: GoalRow,
    { lessons, drafts }: Awaited<ReturnType<MemoryLearning['reflection']>>,
  ): Promise<void> {
    const duration = Date.now() - new Date(goal.started_at ?? goal.created_at).getTime();
    const summary = String((goal.result as { summary?: string } | null)?.summary ?? '');
    const memories = await this.learning.persist(uow, goal.tenant_id, drafts);
    // the reflection, the transition and goal.completed: one statement
    await this.advance(
      uow,
      goal,
      'REFLECTING',
      'COMPLETED',
      {},
      undefined,
      [{ type: 'reflection.recorded', data: { lessons, memory_ids: memories.map((m) => m.id) } }],
      [{ type: 'goal.completed', data: { summary: summary.slice(0, 500), duration_ms: duration } }],
    );
  }

  // --- memory and evolver: what the planner is given ---

  /**
   * Memory query before decomposition: recalled lessons, a reusable procedure (first plan
   * only) and the evolver's variant guidance. TRIVIAL goals run without memory; a memory
   * failure is logged and planning goes on without it.
   */
  private async recallForPlanning(
    goal: GoalRow,
  ): Promise<{ recall?: Recall; planning: PlanningMemory; variant?: string }> {
    const planning: PlanningMemory = { lessons: [], guidance: [] };
    const run = this.runs.get(goal.id);
    const searchedAhead = run?.search;
    if (run) run.search = undefined;
    if (!usesMemory((goal.complexity ?? 'SIMPLE') as Complexity)) return { planning };
    let recall: Recall | undefined;
    let variant: string | undefined;
    try {
      const firstPlan = !goal.feedback && goal.plan_version === 0;
      const searched = firstPlan ? await searchedAhead : undefined;
      let assignment: Awaited<ReturnType<Evolver['assign']>>;
      [recall, assignment] = await Promise.all([
        this.learning.recall(goal, firstPlan, searched),
        inTransaction(this.dataSource, (uow) => this.evolver.assign(uow, goal.tenant_id, goal.id)),
      ]);
      planning.lessons = recall.lessons.map((l) => l.text);
      if (recall.procedure)
        planning.procedure = {
          memory_id: recall.procedure.memory_id,
          tasks: recall.procedure.tasks,
        };
      planning.guidance = assignment.guidance;
      variant = assignment.variants.map((v) => `${v.target}:${v.name}`).join(', ') || undefined;
    } catch (error) {
      this.logger.warn(`goal ${goal.id}: planning without memory: ${(error as Error).message}`);
    }
    return { recall, planning, variant };
  }

  async fail(
    tenantId: string,
    goalId: string,
    reasons: string[],
    precededBy: NewGoalEvent[] = [],
  ): Promise<void> {
    await this.usage.settled(goalId);
    await inTransaction(this.dataSource, async (uow) => {
      const goal = await this.store.get(tenantId, goalId, uow.manager);
      if (isTerminal(goal.state)) return;
      if (precededBy.length) await this.events.appendMany(uow, tenantId, goalId, precededBy);
      await uow.manager.query(
        `UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE tenant_id = $1 AND goal_id = $2 AND status IN ('pending', 'running')`,
        [tenantId, goalId],
      );
      await this.advance(
        uow,
        goal,
        goal.state,
        'FAILED',
        { failure_reasons: reasons },
        reasons.at(-1),
      );
      await this.events.append(uow, tenantId, goalId, 'goal.failed', { reasons });
    });
  }
}

/**
 * The tasks of one execution phase: starts gathered per turn of the event loop into one
 * statement, results likewise (held briefly while other tasks are still executing).
 */
interface TaskWave {
  executing: number;
  starts: WriteBatcher<{ task: TaskRow; attempt: number }, AgentProfileRow | null | undefined>;
  finishes: WriteBatcher<{ task: TaskRow; attempt: number; output: TaskOutput }, boolean>;
}

/** How long a finished task's result waits for the results of tasks still executing. */
const FINISH_HOLD_MS = 25;

type RecallSearch = Awaited<ReturnType<MemoryLearning['search']>>;

/** What one run of a goal carries from step to step. */
interface GoalRun {
  controller: AbortController;
  /** The goal row as the last committed transition (or the lease) left it: saves a reload. */
  latest?: GoalRow;
  /** The plan's task rows as the run keeps them (see planTasksOf). */
  tasks?: { version: number; rows: TaskRow[] };
  /** The intent analysis, started while the goal moves to INTENT_ANALYSIS. */
  analysis?: Promise<Intent>;
  /** The first plan's memory search, started with the intent analysis. */
  search?: Promise<RecallSearch | undefined>;
}
