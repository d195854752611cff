import type { GoalState, GoalStatus } from './goal-fsm';

export interface GoalRow {
  id: string;
  tenant_id: string;
  title: string;
  goal: string;
  status: GoalStatus;
  state: GoalState;
  requested_pattern: string | null;
  pattern: string | null;
  priority: number;
  metadata: Record<string, unknown>;
  intent: Record<string, unknown> | null;
  complexity: string | null;
  risk: string | null;
  result: Record<string, unknown> | null;
  failure_reasons: string[];
  feedback: string | null;
  plan_version: number;
  replan_count: number;
  prompt_tokens: string | number;
  completion_tokens: string | number;
  cost_usd: string | number;
  llm_calls: number;
  event_seq: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export type TaskStatus =
  'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'superseded';

export interface TaskRow {
  id: string;
  tenant_id: string;
  goal_id: string;
  plan_version: number;
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria: string | null;
  status: TaskStatus;
  agent_id: string | null;
  agent_kind: string | null;
  attempts: number;
  max_attempts: number;
  output: Record<string, unknown> | null;
  error: string | null;
  errors: Array<{ attempt: number; error: string; at: string }>;
  prompt_tokens: string | number;
  completion_tokens: string | number;
  cost_usd: string | number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** One task of a new plan, as the planner gave it (with its new id). */
export interface PlannedTask {
  id: string;
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria: string | null;
}

/** A task going running: its position in the batch, its attempt and its agent. */
export interface TaskStart {
  ord: number;
  id: string;
  attempt: number;
  agent_id: string | null;
}
