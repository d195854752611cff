/** What a goal recalls before planning: lessons, a reusable procedure, past experiences. */
export interface Recall {
  memories: Array<{ id: string; type: string; similarity: number; title: string | null }>;
  lessons: Array<{ memory_id: string; text: string }>;
  procedure?: { memory_id: string; similarity: number; tasks: RecalledTask[] };
  experiences: Array<{ memory_id: string; text: string }>;
  preferred_agents: Array<{ capability: string; agent: string; successes: number }>;
}

/** The searches of a recall, which can run ahead of the rest. */
export type RecallSearch = Omit<Recall, 'preferred_agents'>;

export interface RecalledTask {
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria?: string;
}

/** The fields of a goal that memory learns from. */
export interface LearnedGoal {
  id: string;
  tenant_id: string;
  title: string;
  goal: string;
  pattern: string | null;
  complexity: string | null;
  intent: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  failure_reasons: string[];
  replan_count: number;
  plan_version: number;
}

/** The fields of a planned task that memory learns from. */
export interface LearnedTask {
  id: string;
  key: string;
  title: string;
  description: string;
  depends_on: string[];
  capabilities: string[];
  acceptance_criteria: string | null;
  status: string;
  agent_id: string | null;
  agent_kind: string | null;
}

export function intentCapabilities(goal: Pick<LearnedGoal, 'intent'>): string[] {
  return Array.isArray(goal.intent?.capabilities) ? (goal.intent.capabilities as string[]) : [];
}
