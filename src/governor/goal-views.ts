import type { GoalEventRecord } from '../events/domain-events';
import type { GoalRow, TaskRow } from '../goal-records/goal.types';
import type { GoalDto, GoalEventDto, TaskDto } from './dto/goal-views.dto';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Maps rows to the snake_case wire shapes, in one place. */
export function goalView(row: GoalRow): GoalDto {
  const prompt = Number(row.prompt_tokens);
  const completion = Number(row.completion_tokens);
  const start = row.started_at ? new Date(row.started_at).getTime() : null;
  const end = row.completed_at ? new Date(row.completed_at).getTime() : Date.now();
  return {
    id: row.id,
    title: row.title,
    goal: row.goal,
    status: row.status,
    state: row.state,
    pattern: row.pattern ?? row.requested_pattern,
    priority: row.priority,
    complexity: row.complexity,
    risk: row.risk,
    intent: row.intent,
    result: row.result,
    failure_reasons: row.failure_reasons ?? [],
    plan_version: row.plan_version,
    replan_count: row.replan_count,
    metadata: row.metadata ?? {},
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost_usd: Number(row.cost_usd),
      llm_calls: row.llm_calls,
    },
    timings: {
      created_at: iso(row.created_at)!,
      started_at: iso(row.started_at),
      completed_at: iso(row.completed_at),
      duration_ms: start === null ? null : end - start,
    },
  };
}

export function taskView(row: TaskRow): TaskDto {
  const prompt = Number(row.prompt_tokens);
  const completion = Number(row.completion_tokens);
  return {
    id: row.id,
    key: row.key,
    plan_version: row.plan_version,
    title: row.title,
    description: row.description,
    depends_on: row.depends_on,
    capabilities: row.capabilities,
    acceptance_criteria: row.acceptance_criteria,
    status: row.status,
    agent_id: row.agent_id,
    agent_kind: row.agent_kind,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    output: row.output,
    error: row.error,
    errors: row.errors ?? [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost_usd: Number(row.cost_usd),
    },
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}

export function eventView(event: GoalEventRecord): GoalEventDto {
  return {
    id: event.id,
    seq: event.seq,
    type: event.type,
    task_id: event.task_id,
    data: event.data as unknown as Record<string, unknown>,
    created_at: event.created_at,
  };
}
