import { goalFacts, goalMemoryInputs, reflectionInput } from './goal-memory-drafts';
import { graphItems } from './memory-graph.service';
import type { LearnedGoal, LearnedTask } from './memory-learning.types';

const goal: LearnedGoal = {
  id: 'g1',
  tenant_id: 't1',
  title: 'Market report',
  goal: 'Write a market report on electric bikes',
  pattern: 'council',
  complexity: 'MODERATE',
  intent: { capabilities: ['research', 'writing'] },
  result: { summary: 'done', verdict: { score: 0.9 } },
  failure_reasons: ['too short'],
  replan_count: 1,
  plan_version: 2,
};

const task = (key: string, agent: string | null): LearnedTask => ({
  id: `task-${key}`,
  key,
  title: `Task ${key}`,
  description: 'd',
  depends_on: [],
  capabilities: ['research'],
  acceptance_criteria: null,
  status: 'completed',
  agent_id: agent,
  agent_kind: 'llm',
});

describe('what memory writes about a verified goal', () => {
  it('is one verified memory of each type, idempotent per goal, with the critic score as provenance', () => {
    const inputs = goalMemoryInputs(goal, [task('a', 'analyst'), task('b', 'writer')], 'm:x');
    expect(inputs.map((i) => i.type)).toEqual(['episodic', 'semantic', 'procedural', 'strategic']);
    expect(inputs.every((i) => i.verified)).toBe(true);
    expect(inputs.map((i) => i.dedupe_key)).toEqual([
      'episode:g1',
      'fact:g1',
      expect.stringMatching(/^procedure:/),
      'decision:g1',
    ]);
    expect(inputs[0].provenance).toMatchObject({
      critic_score: 0.9,
      agents: ['analyst', 'writer'],
    });
    expect(inputs[2].metadata?.tasks).toHaveLength(2);
  });

  it('records which agents succeeded with which capabilities, and the pattern used', () => {
    const facts = goalFacts(goal, [task('a', 'analyst'), task('b', 'analyst')]);
    expect(facts.filter((f) => f.relation === 'succeeded_with')).toHaveLength(2);
    expect(facts.filter((f) => f.relation === 'requires')).toHaveLength(2);
    expect(facts.find((f) => f.relation === 'achieved_with')?.target).toEqual({
      name: 'council',
      type: 'pattern',
    });
  });

  it('turns the rejections a goal overcame into a lesson', () => {
    const input = reflectionInput(goal, ['Avoid: too short'], 'm:x');
    expect(input).toMatchObject({ type: 'strategic', dedupe_key: 'reflection:g1', verified: true });
    expect(input.metadata?.lessons).toEqual(['Avoid: too short']);
  });
});

describe('graph facts as one write', () => {
  it('names each entity once (lower-cased) and counts repeated relations as weight', () => {
    const fact = {
      source: { name: 'Research', type: 'capability' },
      relation: 'succeeded_with',
      target: { name: 'analyst', type: 'agent' },
    };
    const { entities, relations } = graphItems([fact, fact]);
    expect(entities.map((e) => [e.name, e.mentions])).toEqual([
      ['research', 2],
      ['analyst', 2],
    ]);
    expect(relations).toHaveLength(1);
    expect(relations[0]).toMatchObject({ s_name: 'research', t_name: 'analyst', weight: 2 });
  });
});
