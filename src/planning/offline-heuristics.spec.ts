import {
  analyzeIntentOffline,
  critiqueOffline,
  planOffline,
  splitSteps,
} from './offline-heuristics';
import { findPlanProblem, hasParallelism } from './schemas';

describe('offline heuristics', () => {
  it('rates a one-line goal TRIVIAL and a numbered list by its length', () => {
    expect(analyzeIntentOffline('Say hello').complexity).toBe('TRIVIAL');
    const goal = '1. collect data\n2. clean it\n3. analyze it\n4. write a report';
    expect(analyzeIntentOffline(goal)).toMatchObject({
      complexity: 'MODERATE',
      provider: 'offline',
    });
  });

  it('flags risky goals', () => {
    expect(analyzeIntentOffline('deploy the service to production').risk).toBe('HIGH');
  });

  it('plans numbered steps as a chain and independent sentences in parallel with a join', () => {
    const chain = planOffline('1. a\n2. b\n3. c', { complexity: 'MODERATE', capabilities: [] });
    expect(chain.tasks.map((t) => t.depends_on)).toEqual([[], ['t1'], ['t2']]);
    const fan = planOffline('Research cats. Research dogs. Research birds.', {
      complexity: 'MODERATE',
      capabilities: [],
    });
    expect(fan.tasks).toHaveLength(4);
    expect(fan.tasks[3].depends_on).toEqual(['t1', 't2', 't3']);
    expect(hasParallelism(fan.tasks)).toBe(true);
    expect(hasParallelism(chain.tasks)).toBe(false);
  });

  it('splits on "then"', () => {
    expect(splitSteps('fetch the page then summarize it')).toEqual({
      steps: ['fetch the page', 'summarize it'],
      sequential: true,
    });
  });

  it('fails verification when a task has no result', () => {
    const verdict = critiqueOffline([
      { key: 't1', status: 'completed', output: { text: 'done' } },
      { key: 't2', status: 'failed', output: null },
    ]);
    expect(verdict).toMatchObject({ passed: false, score: 0.5, failed_tasks: ['t2'] });
  });
});

describe('plan validation', () => {
  it('finds unknown dependencies, duplicates and cycles', () => {
    expect(findPlanProblem([{ key: 'a', depends_on: ['b'] }])).toMatch(/unknown task b/);
    expect(
      findPlanProblem([
        { key: 'a', depends_on: [] },
        { key: 'a', depends_on: [] },
      ]),
    ).toMatch(/duplicate/);
    expect(
      findPlanProblem([
        { key: 'a', depends_on: ['b'] },
        { key: 'b', depends_on: ['a'] },
      ]),
    ).toMatch(/cycle/);
    expect(
      findPlanProblem([
        { key: 'a', depends_on: [] },
        { key: 'b', depends_on: ['a'] },
      ]),
    ).toBeUndefined();
  });
});
