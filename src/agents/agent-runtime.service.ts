import { Inject, Injectable } from '@nestjs/common';
import { BaseMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { DeferredUsage } from '../llm/llm-usage.recorder';
import { LlmService, messageText } from '../llm/llm.service';
import { LiveOutput } from '../events/live-output';
import { LiveTaskOutput } from './live-task-output';
import {
  analyzeIntentOffline,
  critiqueOffline,
  executeTaskOffline,
  listsSeveralSteps,
  planOffline,
} from '../planning/offline-heuristics';
import {
  CriticVerdict,
  CriticVerdictSchema,
  Intent,
  IntentSchema,
  Plan,
  PlannedTask,
  PlanSchema,
} from '../planning/schemas';
import { ToolExecutor } from '../tools/tool-executor.service';
import { ToolRegistry } from '../tools/tool-registry.service';
import {
  CRITIC_PROMPT,
  INTENT_ANALYZER_PROMPT,
  PLANNER_PROMPT,
  TOOL_AGENT_PROMPT,
} from './prompts';
import { agentMarker } from './agent-kinds';

export interface GoalScope {
  tenantId: string;
  goalId: string;
  signal?: AbortSignal;
  /** Set by a swarm: its workers' calls are stored together when the units are done. */
  deferredUsage?: DeferredUsage;
  /** See `LlmCallScope.ready`. */
  ready?: Promise<unknown>;
}

export interface TaskInput {
  id: string;
  key: string;
  title: string;
  description: string;
  acceptance_criteria: string | null;
}

export interface TaskOutput {
  text: string;
  provider: string;
  tool_calls: Array<{
    tool: string;
    ok: boolean;
    replayed: boolean;
    result?: unknown;
    error?: string;
  }>;
}

/** What memory and the evolver give the planner. */
export interface PlanningMemory {
  /** Verified lessons from similar earlier goals. */
  lessons: string[];
  /** Guidance of the evolver variants this goal was assigned to. */
  guidance: string[];
  /** A plan that achieved a very similar goal, reused instead of planning anew. */
  procedure?: { memory_id: string; tasks: PlannedTask[] };
}

/** Who executes a task, and the hook the progress ledger watches each turn through. */
export interface ExecutionOptions {
  agent?: { id: string; name: string; kind: string; systemPrompt: string };
  /** Called after every model turn with the proposed tool calls or the final text; may throw to stop. */
  onTurn?: (turn: { action?: unknown; output?: string; turn: number }) => Promise<void>;
  /**
   * Whether the answer may be shown live while it is written (the task's one executor, not
   * a swarm's units, which share the task): it then streams when somebody watches the goal.
   */
  streamsOutput?: boolean;
}

export interface ReviewedTask {
  key: string;
  title: string;
  status: string;
  acceptance_criteria: string | null;
  output: unknown;
}

/**
 * The thinking of the governor's agents: intent analysis, planning, task execution by the
 * generic tool agent, and verification by the critic. With no provider configured each
 * falls back to its offline heuristic, labelled `provider: offline`.
 */
@Injectable()
export class AgentRuntime {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly llm: LlmService,
    private readonly tools: ToolRegistry,
    private readonly executor: ToolExecutor,
    private readonly live: LiveOutput,
  ) {}

  get provider(): string {
    return this.llm.provider;
  }

  async analyzeIntent(goal: string, scope: GoalScope): Promise<Intent> {
    if (this.llm.isOffline) return analyzeIntentOffline(goal);
    const { value } = await this.llm.structured(
      IntentSchema,
      [new SystemMessage(INTENT_ANALYZER_PROMPT), new HumanMessage(`Goal:\n${goal}`)],
      {
        ...scope,
        agent: 'governor',
        purpose: 'intent_analysis',
      },
    );
    return { ...value, provider: this.llm.provider };
  }

  async plan(
    goal: string,
    intent: Intent,
    scope: GoalScope,
    feedback?: string,
    memory?: PlanningMemory,
  ): Promise<Plan> {
    if (intent.complexity === 'TRIVIAL' && !feedback && !listsSeveralSteps(goal)) {
      // a trivial goal is one task: no planner call needed (unless its text lists steps)
      return {
        tasks: [
          {
            key: 't1',
            title: intent.objective.slice(0, 200),
            description: goal,
            depends_on: [],
            capabilities: intent.capabilities,
            acceptance_criteria: `The goal is achieved: ${intent.objective}`,
          },
        ],
        provider: this.llm.isOffline ? 'offline' : 'governor',
      };
    }
    if (memory?.procedure && !feedback)
      return { tasks: memory.procedure.tasks, provider: 'memory', reused: true };
    const advice = [...(memory?.lessons ?? []), ...(memory?.guidance ?? [])];
    if (this.llm.isOffline) {
      const plan = planOffline(goal, intent, feedback);
      if (!advice.length) return plan;
      const note = `\n\nLessons from earlier goals:\n${advice.map((a) => `- ${a}`).join('\n')}`;
      return {
        ...plan,
        tasks: plan.tasks.map((t) => ({ ...t, description: t.description + note })),
      };
    }
    const request = [
      `Goal:\n${goal}`,
      `Objective: ${intent.objective}`,
      `Complexity: ${intent.complexity}`,
    ];
    if (feedback)
      request.push(`The previous attempt was rejected. Reviewer feedback to address:\n${feedback}`);
    if (memory?.lessons.length)
      request.push(
        `Lessons from earlier similar goals (apply them):\n${memory.lessons.map((l) => `- ${l}`).join('\n')}`,
      );
    if (memory?.guidance.length) request.push(memory.guidance.join('\n\n'));
    const { value } = await this.llm.structured(
      PlanSchema,
      [new SystemMessage(PLANNER_PROMPT), new HumanMessage(request.join('\n\n'))],
      {
        ...scope,
        agent: 'planner',
        purpose: 'planning',
      },
    );
    return { ...value, provider: this.llm.provider };
  }

  async executeTask(
    task: TaskInput,
    dependencies: Array<{ key: string; title: string; output: unknown }>,
    goal: string,
    scope: GoalScope,
    options: ExecutionOptions = {},
  ): Promise<TaskOutput> {
    const depTexts = dependencies.map((d) => outputText(d.output));
    if (this.llm.isOffline)
      return { text: executeTaskOffline(task, depTexts), provider: 'offline', tool_calls: [] };
    const context = dependencies.length
      ? `\n\nResults of the tasks this one builds on:\n${dependencies.map((d) => `- ${d.key} (${d.title}): ${outputText(d.output)}`).join('\n')}`
      : '';
    const systemPrompt = options.agent
      ? `${options.agent.systemPrompt}\n${agentMarker(options.agent.name)}`
      : TOOL_AGENT_PROMPT;
    const messages: BaseMessage[] = [
      new SystemMessage(systemPrompt),
      new HumanMessage(
        `Overall goal: ${goal}\n\nYour task (${task.key}): ${task.title}\n${task.description}${task.acceptance_criteria ? `\n\nAcceptance criteria: ${task.acceptance_criteria}` : ''}${context}`,
      ),
    ];
    const toolCalls: TaskOutput['tool_calls'] = [];
    await this.tools.prepare(scope.tenantId);
    const definitions = this.tools.definitions(scope.tenantId);
    let ordinal = 0;
    for (let turn = 0; turn < this.config.TASK_TOOL_ITERATIONS; turn++) {
      const stream = this.liveOutput(scope, task, turn, options);
      const { message } = await this.llm
        .chat(
          messages,
          {
            ...scope,
            taskId: task.id,
            agent: options.agent?.kind ?? 'tool_agent',
            purpose: 'task_execution',
          },
          { tools: definitions, stream },
        )
        .finally(() => stream?.finish());
      messages.push(message);
      const calls = message.tool_calls ?? [];
      if (!calls.length) {
        const text = messageText(message);
        await options.onTurn?.({ output: text, turn });
        return { text, provider: this.llm.provider, tool_calls: toolCalls };
      }
      await options.onTurn?.({
        action: calls.map((c) => ({ tool: c.name, args: c.args })),
        output: messageText(message) || undefined,
        turn,
      });
      for (const call of calls) {
        const outcome = await this.executor.execute(
          {
            tenantId: scope.tenantId,
            goalId: scope.goalId,
            taskId: task.id,
            taskKey: task.key,
            signal: scope.signal,
          },
          { name: call.name, args: call.args },
          ordinal++,
        );
        toolCalls.push({
          tool: call.name,
          ok: outcome.ok,
          replayed: outcome.replayed,
          result: outcome.result,
          error: outcome.error,
        });
        messages.push(
          new ToolMessage({
            tool_call_id: call.id ?? `${call.name}-${ordinal}`,
            content: JSON.stringify(outcome.ok ? outcome.result : { error: outcome.error }),
          }),
        );
      }
    }
    throw new Error(
      `task ${task.key} did not finish within ${this.config.TASK_TOOL_ITERATIONS} tool rounds`,
    );
  }

  /** A turn's live output, when it may stream and a client follows the goal now. */
  private liveOutput(
    scope: GoalScope,
    task: TaskInput,
    turn: number,
    options: ExecutionOptions,
  ): LiveTaskOutput | undefined {
    if (!options.streamsOutput || !this.config.LLM_STREAM_TASK_OUTPUT) return undefined;
    if (!this.live.isWatched(scope.tenantId, scope.goalId)) return undefined;
    return new LiveTaskOutput(this.live, {
      tenantId: scope.tenantId,
      goalId: scope.goalId,
      taskId: task.id,
      taskKey: task.key,
      turn,
    });
  }

  async verify(goal: string, tasks: ReviewedTask[], scope: GoalScope): Promise<CriticVerdict> {
    if (this.llm.isOffline)
      return critiqueOffline(
        tasks.map((t) => ({ key: t.key, status: t.status, output: t.output })),
      );
    const report = tasks
      .map(
        (t) =>
          `## ${t.key}: ${t.title} [${t.status}]\nAcceptance criteria: ${t.acceptance_criteria ?? 'none given'}\nResult: ${outputText(t.output)}\nTool evidence: ${toolEvidence(t.output)}`,
      )
      .join('\n\n');
    const { value } = await this.llm.structured(
      CriticVerdictSchema,
      [new SystemMessage(CRITIC_PROMPT), new HumanMessage(`Goal:\n${goal}\n\n${report}`)],
      {
        ...scope,
        agent: 'critic',
        purpose: 'verification',
      },
    );
    return { ...value, provider: this.llm.provider };
  }
}

export function outputText(output: unknown): string {
  if (
    output &&
    typeof output === 'object' &&
    typeof (output as { text?: unknown }).text === 'string'
  ) {
    return (output as { text: string }).text;
  }
  return output === null || output === undefined ? '(no result)' : JSON.stringify(output);
}

function toolEvidence(output: unknown): string {
  const calls = (output as Partial<TaskOutput> | null)?.tool_calls ?? [];
  if (!calls.length) return 'none';
  return calls.map((c) => `${c.tool} ${c.ok ? 'ok' : `failed: ${c.error}`}`).join('; ');
}
