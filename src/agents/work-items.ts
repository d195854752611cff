/** The slice of a goal the workforce needs. */
export interface WorkGoal {
  id: string;
  tenant_id: string;
  goal: string;
  pattern: string | null;
  plan_version: number;
}

/** The slice of a task row the workforce reads and updates (agent_id after reselection). */
export interface WorkTask {
  id: string;
  tenant_id: string;
  goal_id: string;
  plan_version: number;
  key: string;
  title: string;
  description: string;
  capabilities: string[];
  acceptance_criteria: string | null;
  agent_id: string | null;
  agent_kind: string | null;
}
