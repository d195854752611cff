import { parseCapabilities, workerCapabilities } from './worker-capabilities';

describe('worker capabilities', () => {
  it('parses a comma list, dropping blanks and repeats', () => {
    expect(parseCapabilities(' goal_execution, ,GPU,gpu,,task_execution ')).toEqual([
      'goal_execution',
      'gpu',
      'task_execution',
    ]);
    expect(parseCapabilities('')).toEqual([]);
  });

  it('adds code when the sandbox works, and the model this process calls', () => {
    const probes = { codeSandbox: true, llmProvider: 'openai', llmModel: 'gpt-4o-mini' };
    expect(workerCapabilities('goal_execution', probes)).toEqual([
      'goal_execution',
      'code',
      'llm:openai/gpt-4o-mini',
    ]);
  });

  it('takes code and llm: names from the probes only', () => {
    expect(
      workerCapabilities('gpu,code,llm:openai/gpt-5', {
        codeSandbox: false,
        llmProvider: 'offline',
        llmModel: 'heuristic',
      }),
    ).toEqual(['gpu', 'llm:offline/heuristic']);
  });
});
