import { HumanMessage } from '@langchain/core/messages';
import { ScriptedLlmServer } from '#testing';
import { loadConfig } from '../config/app-config';
import { HookManager } from '../hooks/hook-manager';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { TokenBudget } from '../quotas/token-budget';
import type { TenantDirectory } from '../tenancy/tenant-directory';
import { createChatModel } from './chat-model.factory';
import type { LlmCallRecord, LlmUsageRecorder } from './llm-usage.recorder';
import { LlmService, type TextStreamSink, type ToolDefinition } from './llm.service';

const ANSWER = 'Paris is the capital of France, and it sits on the Seine river.';
const USAGE = { prompt_tokens: 31, completion_tokens: 17 };
const TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'read_file',
      description: 'reads a file',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  },
];

function service(provider: 'openai' | 'ollama' | 'anthropic', baseUrl: string) {
  const recorded: LlmCallRecord[] = [];
  const usage = {
    record: async (_scope: unknown, call: LlmCallRecord) => void recorded.push(call),
    recordInBackground: (_scope: unknown, call: LlmCallRecord) => void recorded.push(call),
  } as unknown as LlmUsageRecorder;
  const config = loadConfig({
    LLM_PROVIDER: provider,
    LLM_API_KEY: 'k',
    LLM_MODEL: 'gpt-4o-mini',
    LLM_BASE_URL: baseUrl,
    LLM_MAX_RETRIES: '0',
  });
  const budget = new TokenBudget({
    lookup: () => Promise.resolve(undefined),
  } as unknown as TenantDirectory);
  const llm = new LlmService(
    config,
    createChatModel(config),
    usage,
    budget,
    new HookManager(config, new PluginHealth()),
  );
  return { llm, recorded };
}

function sink() {
  const pieces: string[] = [];
  let restarts = 0;
  const target: TextStreamSink = {
    text: (piece) => void pieces.push(piece),
    restart: () => void restarts++,
  };
  return { target, pieces, restarts: () => restarts };
}

const scope = { tenantId: 't', purpose: 'task_execution' };
const withoutDuration = ({ durationMs: _ignored, ...call }: LlmCallRecord) => call;

describe('a streamed model call', () => {
  const server = new ScriptedLlmServer();
  beforeAll(async () => {
    await server.start();
    server.streamChunks = 10;
    server.streamChunkDelayMs = 2;
  });
  afterAll(() => server.stop());
  beforeEach(() => server.reset());

  it.each([
    ['openai', () => server.baseUrl],
    ['ollama', () => server.rootUrl],
    ['anthropic', () => server.rootUrl],
  ] as const)(
    '%s: hands the text on piece by piece and answers and accounts as the whole call does',
    async (provider, url) => {
      server.otherwise({ content: ANSWER, usage: USAGE });
      const { llm, recorded } = service(provider, url());
      const live = sink();
      const streamed = await llm.chat([new HumanMessage('capital?')], scope, {
        tools: TOOLS,
        stream: live.target,
      });
      const whole = await llm.chat([new HumanMessage('capital?')], scope, { tools: TOOLS });

      const [streamedRequest, wholeRequest] = server.chatRequests();
      expect(streamedRequest.body.stream).toBe(true);
      if (provider !== 'ollama') expect(wholeRequest.body.stream).toBeFalsy();
      expect(live.pieces.length).toBeGreaterThanOrEqual(5);
      expect(live.pieces.join('')).toBe(ANSWER);
      expect(streamed.message.content).toBe(ANSWER);
      expect(streamed.message.content).toEqual(whole.message.content);
      expect(streamed.usage).toEqual(whole.usage);
      expect(streamed.usage).toMatchObject({ promptTokens: 31, completionTokens: 17 });
      expect(recorded.map(withoutDuration)).toEqual([
        withoutDuration(recorded[1]),
        withoutDuration(recorded[1]),
      ]);
    },
  );

  it.each([
    ['openai', () => server.baseUrl],
    ['anthropic', () => server.rootUrl],
  ] as const)(
    '%s: returns the tool calls of a streamed answer as the whole call does',
    async (provider, url) => {
      server.otherwise({ toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] });
      const { llm } = service(provider, url());
      const live = sink();
      const streamed = await llm.chat([new HumanMessage('read')], scope, {
        tools: TOOLS,
        stream: live.target,
      });
      expect(streamed.message.tool_calls).toEqual([
        expect.objectContaining({ name: 'read_file', args: { path: 'a.txt' } }),
      ]);
      expect(live.pieces).toEqual([]);
    },
  );
});
