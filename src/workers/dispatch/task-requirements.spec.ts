import { capabilitySets, requiredCapabilities } from './task-requirements';

describe('task requirements', () => {
  it('keeps the routed capabilities and models a task names, sorted and once each', () => {
    expect(
      requiredCapabilities(['writing', 'Code', 'code', 'llm:openai/gpt-4o'], ['code']),
    ).toEqual(['code', 'llm:openai/gpt-4o']);
    expect(requiredCapabilities(['writing', 'research'], ['code'])).toEqual([]);
  });

  it('lists every set of the routed capabilities a worker has', () => {
    expect(capabilitySets(['goal_execution', 'gpu', 'code'], ['code', 'gpu'])).toEqual([
      'code',
      'gpu',
      'code+gpu',
    ]);
    expect(capabilitySets(['goal_execution'], ['code'])).toEqual([]);
  });
});
