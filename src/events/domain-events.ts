/**
 * The typed domain events of a goal. Each is appended to `goal_events` in the same
 * transaction as the state change it records; WebSocket streams, webhooks, audit and
 * metrics consume the log.
 */
export interface GoalEventPayloads {
  'goal.created': { title: string; priority: number; requested_pattern: string | null };
  'goal.status': { from: string | null; to: string; status: string; reason?: string };
  'goal.intent': {
    objective: string;
    complexity: string;
    risk: string;
    capabilities: string[];
    provider: string;
  };
  'plan.created': {
    plan_version: number;
    tasks: Array<{ key: string; title: string; depends_on: string[] }>;
    provider: string;
    reused?: boolean;
    /** Lessons from memory the planner was given, and the procedure it reused. */
    lessons?: string[];
    procedure_id?: string | null;
    variant?: string | null;
  };
  'agent.assigned': {
    task_id: string;
    task_key: string;
    agent_id: string;
    agent_kind: string;
    reason: string;
    agent_name?: string;
    score?: number;
    breakdown?: Record<string, number>;
  };
  'task.started': { task_key: string; attempt: number; agent_id: string | null };
  'task.progress': { task_key: string; message: string; tool?: string };
  'task.retrying': { task_key: string; attempt: number; error: string; delay_ms: number };
  'task.completed': {
    task_key: string;
    attempt: number;
    /** The worker that ran the attempt. */
    worker_id: string;
    prompt_tokens: number;
    completion_tokens: number;
  };
  'task.failed': { task_key: string; attempt: number; error: string; final: boolean };
  'tool.called': {
    task_key: string;
    tool: string;
    idempotency_key?: string;
    replayed: boolean;
    ok: boolean;
  };
  'critic.verdict': {
    passed: boolean;
    score: number;
    feedback: string;
    provider: string;
    /** The plan's tasks the critic named as failed. */
    failed_tasks?: string[];
    /** Names the critic gave that no task of the plan has: ignored. */
    ignored_failed_tasks?: string[];
  };
  'goal.replanning': { replan: number; reason: string };
  'memory.written': { memory_ids: string[]; kinds: string[] };
  /** Which memories a goal recalled before planning (and what they contributed). */
  'memory.retrieved': {
    memory_ids: string[];
    memories: Array<{ id: string; type: string; similarity: number; title: string | null }>;
    lessons: string[];
    procedure_id: string | null;
    preferred_agents: Array<{ capability: string; agent: string; successes: number }>;
  };
  /** The evolver put this goal into an experiment arm. */
  'evolution.assigned': { variant_id: string; target: string; name: string };
  'reflection.recorded': { lessons: string[]; memory_ids?: string[] };
  'goal.completed': { summary: string; duration_ms: number };
  'goal.failed': { reasons: string[] };
  'goal.cancelled': { reason: string };
  /** The tenant was suspended: the goal waits where it is. */
  'goal.paused': { reason: string };
  /** The tenant is active again: the goal goes on from where it waited. */
  'goal.resumed': { status: string };
  'approval.required': {
    task_id: string;
    action: string;
    reason: string;
    approval_id?: string;
    task_key?: string;
    args?: unknown;
    categories?: string[];
    expires_at?: string;
  };
  'approval.decided': {
    approval_id: string;
    task_id: string;
    action: string;
    decision: 'approved' | 'rejected' | 'expired';
    decided_by: string;
    comment: string | null;
  };
  'safety.violation': { check: string; detail: string; task_id?: string };
  'safety.blocked': { check: string; detail: string; task_id?: string };
  'agent.spawned': {
    agent_id: string;
    agent_kind: string;
    name: string;
    capabilities: string[];
    reason: string;
    ephemeral: boolean;
    task_id?: string;
  };
  'agent.completed': {
    agent_id: string;
    task_key: string;
    task_type: string;
    duration_ms: number;
    tokens: number;
  };
  'agent.failed': {
    agent_id: string;
    task_key: string;
    task_type: string;
    error_kind: string;
    error: string;
  };
  'agent.retired': { agent_id: string; name: string; reason: string };
  'auction.awarded': {
    task_id: string;
    task_key: string;
    agent_id: string;
    reason: string;
    bids: Array<{
      agent_id: string;
      agent_name: string;
      expected_quality: number;
      cost_tokens: number;
      time_ms: number;
      value: number;
    }>;
  };
  'swarm.started': { task_key: string; units: number; aggregation: string; concurrency: number };
  'swarm.completed': {
    task_key: string;
    units: number;
    succeeded: number;
    failed: number;
    duplicates_removed: number;
    wall_ms: number;
    aggregation: string;
  };
  'ledger.stalled': { task_key: string; stalls: number; facts: string[]; next_instruction: string };
}

export type GoalEventType = keyof GoalEventPayloads;

export interface GoalEventRecord<T extends GoalEventType = GoalEventType> {
  id: number;
  seq: number;
  goal_id: string;
  tenant_id: string;
  task_id: string | null;
  type: T;
  data: GoalEventPayloads[T];
  created_at: string;
}
