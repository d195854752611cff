import { AIMessage } from '@langchain/core/messages';
import { loadConfig } from '../config/app-config';
import { LiveOutput, type TaskOutputDelta } from '../events/live-output';
import type { LlmService, TextStreamSink } from '../llm/llm.service';
import type { ToolExecutor } from '../tools/tool-executor.service';
import type { ToolRegistry } from '../tools/tool-registry.service';
import { AgentRuntime } from './agent-runtime.service';

const TASK = {
  id: 'task-1',
  key: 't1',
  title: 'compare',
  description: 'compare the rivers',
  acceptance_criteria: null,
};
const SCOPE = { tenantId: 'tenant-1', goalId: 'goal-1' };

/** A runtime whose model writes "Hello, world" in two pieces when it may stream. */
function runtime(env: Record<string, string> = {}) {
  const config = loadConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k', ...env });
  const live = new LiveOutput();
  const deltas: TaskOutputDelta[] = [];
  live.subscribe((delta) => deltas.push(delta));
  const streamed: boolean[] = [];
  const llm = {
    isOffline: false,
    provider: 'openai',
    chat: (_messages: unknown, _scope: unknown, options: { stream?: TextStreamSink }) => {
      streamed.push(Boolean(options.stream));
      options.stream?.text('Hello, ');
      options.stream?.text('world');
      return Promise.resolve({ message: new AIMessage('Hello, world') });
    },
  } as unknown as LlmService;
  const tools = {
    prepare: () => Promise.resolve(),
    definitions: () => [],
  } as unknown as ToolRegistry;
  const agents = new AgentRuntime(config, llm, tools, {} as ToolExecutor, live);
  return { agents, live, deltas, streamed };
}

describe('a task answer shown live', () => {
  it('streams to the followers of the goal and sends the rest before the task returns', async () => {
    const { agents, live, deltas, streamed } = runtime();
    live.watch('tenant-1', 'goal-1');
    const output = await agents.executeTask(TASK, [], 'goal', SCOPE, { streamsOutput: true });
    expect(streamed).toEqual([true]);
    expect(deltas).toEqual([
      {
        tenant_id: 'tenant-1',
        goal_id: 'goal-1',
        task_id: 'task-1',
        task_key: 't1',
        turn: 0,
        offset: 0,
        text: 'Hello, world',
      },
    ]);
    expect(output.text).toBe('Hello, world');
  });

  it('asks for a whole answer when nobody follows the goal, when turned off, and for swarm units', async () => {
    const unwatched = runtime();
    unwatched.live.watch('tenant-1', 'another-goal');
    unwatched.live.watch('tenant-2', null);
    await unwatched.agents.executeTask(TASK, [], 'goal', SCOPE, { streamsOutput: true });

    const off = runtime({ LLM_STREAM_TASK_OUTPUT: 'false' });
    off.live.watch('tenant-1', 'goal-1');
    await off.agents.executeTask(TASK, [], 'goal', SCOPE, { streamsOutput: true });

    const unit = runtime();
    unit.live.watch('tenant-1', null);
    await unit.agents.executeTask(TASK, [], 'goal', SCOPE);

    for (const { streamed, deltas } of [unwatched, off, unit]) {
      expect(streamed).toEqual([false]);
      expect(deltas).toEqual([]);
    }
  });
});
