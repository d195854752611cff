import type { AgentStatus } from './agent-kinds';

/** A row of `agent_profiles` as the services read it. */
export interface AgentProfileRow {
  id: string;
  tenant_id: string;
  /** A built-in `AgentKind` or a plugin's kind. */
  kind: string;
  name: string;
  version: number;
  capabilities: string[];
  specializations: string[];
  system_prompt: string;
  model: string | null;
  status: AgentStatus;
  ephemeral: boolean;
  builtin: boolean;
  spawned_by_goal_id: string | null;
  running: number;
  tasks: number;
  successes: number;
  failures: number;
  success_rate: number;
  task_type_scores: Record<string, { tasks: number; successes: number }>;
  avg_tokens: number;
  avg_duration_ms: number;
  error_kinds: Record<string, number>;
  last_active: Date | null;
  reuse_count: number;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

/** A profile to insert (its tenant is given beside it). */
export interface ProfileInsert {
  id: string;
  kind: string;
  name: string;
  capabilities: string[];
  specializations: string[];
  system_prompt: string;
  model: string | null;
  ephemeral: boolean;
  builtin: boolean;
  spawned_by_goal_id: string | null;
  status: AgentStatus;
  running: number;
}

/** The editable fields of a profile, all given (the current value where unchanged). */
export interface ProfileEdit {
  name: string;
  capabilities: string[];
  specializations: string[];
  system_prompt: string;
  model: string | null;
}

export interface ProfilePageFilter {
  kind?: string;
  status?: string;
  limit: number;
  offset: number;
}
