import type { GraphFact } from './memory-graph.service';
import { intentCapabilities, LearnedGoal, LearnedTask } from './memory-learning.types';
import type { MemoryInput } from './memory.types';
import { procedureKey } from './procedure-key';

/**
 * What memory writes about a goal, as plain inputs (embedded and stored by the caller).
 * Lessons and procedures come only from critic-verified outcomes and carry provenance
 * (goal, task, agent, model).
 */

/** WRITING_MEMORY: the episodic, semantic, procedural and strategic memories of a verified goal. */
export function goalMemoryInputs(
  goal: LearnedGoal,
  tasks: LearnedTask[],
  model: string,
): MemoryInput[] {
  const result = (goal.result ?? {}) as {
    summary?: string;
    verdict?: { score?: number; feedback?: string };
  };
  const score = Number(result.verdict?.score ?? 0);
  const capabilities = intentCapabilities(goal);
  const agents = agentsOf(tasks);
  const source = { goal_id: goal.id, agent: 'governor', model };
  const provenance = {
    goal_id: goal.id,
    plan_version: goal.plan_version,
    verified_by: 'critic',
    critic_score: score,
    agents,
    model,
    task_ids: tasks.map((t) => t.id),
  };
  const summary = String(result.summary ?? '').slice(0, 1500);
  const pattern = goal.pattern ?? 'single';
  return [
    {
      type: 'episodic',
      title: `Goal: ${goal.title}`,
      content: `Goal: ${goal.goal}\nOutcome: completed after ${goal.replan_count} replans (critic score ${score}).\nResult: ${summary}`,
      importance: 0.5,
      metadata: {
        outcome: 'completed',
        complexity: goal.complexity,
        pattern: goal.pattern,
        replans: goal.replan_count,
      },
      source,
      provenance,
      verified: true,
      dedupe_key: `episode:${goal.id}`,
    },
    {
      type: 'semantic',
      title: `Fact: ${goal.title}`,
      content: `Goals like "${goal.title}" need ${capabilities.join(', ') || 'general'} capabilities and were achieved with the ${pattern} pattern in ${tasks.length} tasks.`,
      importance: 0.4,
      metadata: { capabilities, pattern: goal.pattern, tasks: tasks.length },
      source,
      provenance,
      verified: true,
      dedupe_key: `fact:${goal.id}`,
    },
    {
      type: 'procedural',
      // the goal itself is embedded, so a similar goal finds the workflow that achieved it
      content: goal.goal,
      key: procedureKey(goal.goal),
      importance: 0.6,
      metadata: {
        tasks: tasks.map((t) => ({
          key: t.key,
          title: t.title,
          description: t.description,
          depends_on: t.depends_on,
          capabilities: t.capabilities,
          ...(t.acceptance_criteria ? { acceptance_criteria: t.acceptance_criteria } : {}),
        })),
        workflow: tasks.map((t) => t.title),
        critic_score: score,
        pattern: goal.pattern,
      },
      source,
      provenance,
      verified: true,
      dedupe_key: `procedure:${procedureKey(goal.goal)}`,
    },
    {
      type: 'strategic',
      title: `Decision: ${goal.title}`,
      content: `Goal: ${goal.goal}\nDecision: the ${pattern} pattern with a ${tasks.length}-task plan.\nOutcome: completed (critic score ${score}).`,
      importance: 0.5,
      metadata: {
        decision: `${pattern} pattern, ${tasks.length} tasks`,
        rationale: `complexity ${goal.complexity ?? 'unknown'}`,
        alternatives: ['single', 'council', 'swarm', 'market'].filter((p) => p !== goal.pattern),
        outcome: 'completed',
        lessons: [],
      },
      source,
      provenance,
      verified: true,
      dedupe_key: `decision:${goal.id}`,
    },
  ];
}

/** The knowledge graph facts of a verified goal: who succeeded with what, and how. */
export function goalFacts(goal: LearnedGoal, tasks: LearnedTask[]): GraphFact[] {
  const capabilities = intentCapabilities(goal);
  const facts: GraphFact[] = [];
  for (const capability of capabilities)
    for (const agent of agentsOf(tasks))
      facts.push({
        source: { name: capability, type: 'capability' },
        relation: 'succeeded_with',
        target: { name: agent, type: 'agent' },
      });
  for (const capability of capabilities)
    facts.push({
      source: { name: goal.title, type: 'goal' },
      relation: 'requires',
      target: { name: capability, type: 'capability' },
    });
  if (goal.pattern)
    facts.push({
      source: { name: goal.title, type: 'goal' },
      relation: 'achieved_with',
      target: { name: goal.pattern, type: 'pattern' },
    });
  return facts;
}

/**
 * REFLECTING: the critic rejections a goal overcame, as a verified lesson (the goal then
 * passed the critic, so the fix is known to work).
 */
export function reflectionInput(goal: LearnedGoal, lessons: string[], model: string): MemoryInput {
  return {
    type: 'strategic',
    title: `Lessons: ${goal.title}`,
    content: `Goal: ${goal.goal}\nEarlier attempts failed: ${goal.failure_reasons.join(' | ')}\nIt succeeded after ${goal.replan_count} replans.`,
    importance: 0.7,
    metadata: {
      decision: 'replan after rejection',
      rationale: 'the critic rejected earlier attempts',
      outcome: 'completed',
      lessons,
    },
    source: { goal_id: goal.id, agent: 'critic', model },
    provenance: {
      goal_id: goal.id,
      verified_by: 'critic',
      plan_version: goal.plan_version,
      model,
    },
    verified: true,
    dedupe_key: `reflection:${goal.id}`,
  };
}

export interface CriticVerdict {
  passed: boolean;
  score: number;
  feedback: string;
  provider: string;
}

/** A critic rejection of a goal's result, as a lesson for similar goals. */
export function criticLessonInput(
  goal: LearnedGoal,
  verdict: CriticVerdict,
  eventId: number,
  model: string,
): MemoryInput {
  return {
    type: 'strategic',
    title: `Lesson: ${goal.title}`,
    content: `Goal: ${goal.goal}\nThe critic rejected the result (score ${verdict.score}): ${verdict.feedback}`,
    importance: 0.8,
    metadata: {
      decision: `plan version ${goal.plan_version}`,
      rationale: 'the planner chose this decomposition',
      outcome: 'rejected by the critic',
      lessons: [verdict.feedback.trim()],
    },
    source: {
      goal_id: goal.id,
      agent: 'critic',
      model: verdict.provider === 'offline' ? 'offline' : model,
    },
    provenance: {
      goal_id: goal.id,
      plan_version: goal.plan_version,
      verified_by: 'critic',
      critic_score: verdict.score,
      event_id: eventId,
    },
    verified: true,
    dedupe_key: `lesson:${goal.id}:${eventId}`,
  };
}

/** A failed goal as an unverified episode. */
export function failedEpisodeInput(
  goal: LearnedGoal,
  reasons: string[],
  eventId: number,
  model: string,
): MemoryInput {
  return {
    type: 'episodic',
    title: `Failed goal: ${goal.title}`,
    content: `Goal: ${goal.goal}\nOutcome: failed. Reasons: ${reasons.join(' | ')}`.slice(0, 4000),
    importance: 0.5,
    metadata: {
      outcome: 'failed',
      complexity: goal.complexity,
      pattern: goal.pattern,
      reasons,
    },
    source: { goal_id: goal.id, agent: 'governor', model },
    provenance: { goal_id: goal.id, event_id: eventId },
    verified: false,
    dedupe_key: `episode:${goal.id}`,
  };
}

function agentsOf(tasks: LearnedTask[]): string[] {
  return [...new Set(tasks.map((t) => t.agent_id).filter((a): a is string => !!a))];
}
