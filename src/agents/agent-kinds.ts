import { ROLE_MARKER } from './prompts';

/** The kinds of agent the village knows. */
export const AGENT_KINDS = [
  'governor',
  'planner',
  'critic',
  'tool_agent',
  'swarm_coordinator',
  'swarm_worker',
  'evolver',
  'memory_keeper',
] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export const AGENT_STATUSES = ['idle', 'busy', 'retired'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Kinds that execute tasks of a plan (and so take part in selection and auctions). */
export const EXECUTING_KINDS: readonly AgentKind[] = ['tool_agent', 'swarm_worker'];

export interface KindSpec {
  kind: AgentKind;
  role: string;
  capabilities: string[];
  systemPrompt: string;
}

export const KIND_SPECS: Readonly<Record<AgentKind, KindSpec>> = {
  governor: {
    kind: 'governor',
    role: 'Meta agent: analyzes intent, chooses the way of working and the agents, keeps the ledger',
    capabilities: ['orchestration', 'intent_analysis'],
    systemPrompt: `${ROLE_MARKER('governor')}\nYou are the governor. You analyze goals, choose how they are worked on and by whom, and track progress.`,
  },
  planner: {
    kind: 'planner',
    role: 'Decomposes a goal into a dependency graph of tasks',
    capabilities: ['planning', 'decomposition'],
    systemPrompt: `${ROLE_MARKER('planner')}\nYou are the planner. Decompose goals into small graphs of concrete tasks.`,
  },
  critic: {
    kind: 'critic',
    role: 'Checks results against acceptance criteria and tool evidence',
    capabilities: ['verification', 'review', 'analysis'],
    systemPrompt: `${ROLE_MARKER('critic')}\nYou are the critic. Check results against their acceptance criteria and the tool evidence.`,
  },
  tool_agent: {
    kind: 'tool_agent',
    role: 'Does one task, using tools when they help',
    capabilities: [
      'general',
      'files',
      'web',
      'code',
      'analysis',
      'research',
      'writing',
      'planning',
    ],
    systemPrompt: `${ROLE_MARKER('tool_agent')}\nYou are a tool agent. Do the task you are given, using the tools offered when they help.\nWhen done, reply with the result as plain text.`,
  },
  swarm_coordinator: {
    kind: 'swarm_coordinator',
    role: 'Divides a task into independent units for parallel workers and aggregates their results',
    capabilities: ['decomposition', 'aggregation'],
    systemPrompt: `${ROLE_MARKER('swarm_coordinator')}\nYou are a swarm coordinator. Divide the task into independent units of work that separate workers can do in parallel without seeing each other's results. Say how their results are combined: merge (concatenate distinct results) or vote (the same question asked several times; the majority answer wins).`,
  },
  swarm_worker: {
    kind: 'swarm_worker',
    role: 'Does one unit of a swarm task',
    capabilities: ['general'],
    systemPrompt: `${ROLE_MARKER('swarm_worker')}\nYou are a swarm worker. Do exactly the unit of work you are given and reply with its result as plain text.`,
  },
  evolver: {
    kind: 'evolver',
    role: 'Improves prompts and strategies from outcomes',
    capabilities: ['optimization', 'reflection'],
    systemPrompt: `${ROLE_MARKER('evolver')}\nYou are the evolver. Propose improvements to prompts and strategies from recorded outcomes.`,
  },
  memory_keeper: {
    kind: 'memory_keeper',
    role: 'Writes, consolidates and retrieves memories',
    capabilities: ['memory', 'retrieval'],
    systemPrompt: `${ROLE_MARKER('memory_keeper')}\nYou are the memory keeper. Record and retrieve what the village has learned.`,
  },
};

export interface ProfileSeed {
  /** A built-in `AgentKind` or a kind a plugin added (`AgentKindRegistry`). */
  kind: string;
  name: string;
  capabilities: string[];
  specializations: string[];
  systemPrompt: string;
}

/** The profiles every tenant starts with (swarm workers are spawned on demand). */
export const DEFAULT_PROFILES: readonly ProfileSeed[] = AGENT_KINDS.filter(
  (k) => k !== 'swarm_worker',
).map((kind) => ({
  kind,
  name: kind === 'tool_agent' ? 'generalist' : kind.replace('_', '-'),
  capabilities: KIND_SPECS[kind].capabilities,
  specializations: [],
  systemPrompt: KIND_SPECS[kind].systemPrompt,
}));

/** What a task needs, for selection and spawning. */
export interface TaskRequirements {
  title: string;
  description: string;
  capabilities: string[];
}

export function normalizeCapabilities(capabilities: readonly string[]): string[] {
  return [
    ...new Set(
      capabilities.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')).filter(Boolean),
    ),
  ].sort();
}

/**
 * A task's type: its capabilities, sorted and joined (`research+writing`), or `general`.
 * Per-type scores are kept under this key.
 */
export function taskTypeOf(task: Pick<TaskRequirements, 'capabilities'>): string {
  const caps = normalizeCapabilities(task.capabilities).filter((c) => c !== 'general');
  return caps.length ? caps.join('+') : 'general';
}

/** Capabilities, specializations and prompt of a specialist spawned for a task. */
export function specialistFor(task: TaskRequirements): ProfileSeed {
  const caps = normalizeCapabilities(task.capabilities);
  const type = taskTypeOf(task);
  const name = `specialist-${type.replace(/[^a-z0-9]+/g, '-').slice(0, 40)}`;
  return {
    kind: 'tool_agent',
    name,
    capabilities: caps.length ? caps : ['general'],
    specializations: [type],
    systemPrompt: `${ROLE_MARKER('tool_agent')}\nYou are a specialist tool agent for ${caps.join(', ') || 'general'} work, spawned for tasks like: "${task.title.slice(0, 200)}". Do the task you are given, using the tools offered when they help.\nWhen done, reply with the result as plain text.`,
  };
}

/** The marker that names one profile inside its prompt (tests route on it). */
export function agentMarker(name: string): string {
  return ROLE_MARKER(`agent:${name}`);
}
