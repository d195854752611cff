import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { classifyLlmError, LlmCallFailed } from '../llm-errors';
import { channelsFor, StructuredMode } from './structured-channel';
import { StructuredCaller, StructuredCallerOptions } from './structured-caller';
import type { ChatRunnable } from './structured-binding';

const Verdict = z.object({
  passed: z.boolean(),
  note: z.string().optional(),
  tags: z.array(z.string()).default([]),
});

interface Sent {
  channel: 'response_format' | 'tool' | 'plain';
  options: Record<string, unknown>;
  messages: BaseMessage[];
}

/** A chat model that records what each call would send and answers from a script. */
function fakeModel(answer: (sent: Sent) => AIMessage | Error) {
  const sent: Sent[] = [];
  const runnable = (channel: Sent['channel'], options: Record<string, unknown>) => ({
    invoke: async (messages: BaseMessage[]) => {
      const call = { channel, options, messages: [...messages] };
      sent.push(call);
      const reply = answer(call);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  });
  const model = {
    ...runnable('plain', {}),
    withConfig: (options: Record<string, unknown>) => runnable('response_format', options),
    bindTools: (tools: unknown[], kwargs: Record<string, unknown>) =>
      runnable('tool', { tools, ...kwargs }),
  };
  return { model: model as unknown as BaseChatModel, sent };
}

/** A caller whose chat step runs the bound model as LlmService.chat does (errors classified). */
function caller(
  model: BaseChatModel,
  mode: StructuredMode = 'auto',
  chat?: StructuredCallerOptions['chat'],
) {
  const warn = jest.fn();
  const structured = new StructuredCaller({
    provider: 'openai',
    model: 'local-model',
    mode,
    retries: 2,
    chatModel: model,
    warn,
    chat:
      chat ??
      (async (messages: BaseMessage[], _scope, bound: ChatRunnable) => {
        try {
          const message = await bound.invoke(messages);
          return { message, usage: { promptTokens: 1, completionTokens: 1, costUsd: 0 } };
        } catch (error) {
          throw new LlmCallFailed(`failed: ${(error as Error).message}`, classifyLlmError(error));
        }
      }),
  });
  return { structured, warn };
}

const refusal = (field: string) =>
  Object.assign(new Error(`400 ${field} is not supported by this server`), { status: 400 });
const scope = { tenantId: 't', goalId: 'g', agent: 'critic', purpose: 'verification' };
const ask = [new HumanMessage('judge it')];

describe('structured calls through the native channel', () => {
  it('sends a strict json_schema response format, and maps the nulls it allows back to absence', async () => {
    const { model, sent } = fakeModel(
      () => new AIMessage('{"passed": true, "note": null, "tags": null}'),
    );
    const result = await caller(model).structured.call(Verdict, ask, scope);
    expect(result.value).toEqual({ passed: true, tags: [] });
    expect(sent).toHaveLength(1);
    expect(sent[0].options.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'verification',
        strict: true,
        schema: expect.objectContaining({
          required: ['passed', 'note', 'tags'],
          additionalProperties: false,
        }),
      },
    });
    // the schema is in its channel, not in the prompt
    expect(sent[0].messages).toEqual(ask);
  });

  it('sends an invalid answer back with the reason, in the same channel', async () => {
    const { model, sent } = fakeModel((call) =>
      call.messages.length === 1
        ? new AIMessage('{"passed": "maybe"}')
        : new AIMessage('{"passed": false, "note": "fixed", "tags": []}'),
    );
    const result = await caller(model).structured.call(Verdict, ask, scope);
    expect(result.value).toEqual({ passed: false, note: 'fixed', tags: [] });
    expect(sent.map((s) => s.channel)).toEqual(['response_format', 'response_format']);
    expect(String(sent[1].messages.at(-1)?.content)).toMatch(/Your reply was invalid: passed: /);
  });

  it('treats an answer the client cannot read as JSON as an invalid answer to repair', async () => {
    let calls = 0;
    const chat = jest.fn(async (messages: BaseMessage[]) => {
      if (calls++ === 0)
        throw new LlmCallFailed(
          'failed: Unexpected end of JSON input',
          { retryable: false, reason: 'Unexpected end of JSON input' },
          new SyntaxError('Unexpected end of JSON input'),
        );
      expect(String(messages.at(-2)?.content)).toMatch(
        /Your reply was invalid: not valid JSON \(Unexpected end of JSON input\)/,
      );
      return {
        message: new AIMessage('{"passed": true}'),
        usage: { promptTokens: 1, completionTokens: 1, costUsd: 0 },
      };
    });
    const { structured: llm } = caller(fakeModel(() => new AIMessage('{}')).model, 'auto', chat);
    expect((await llm.call(Verdict, ask, scope)).value).toEqual({ passed: true, tags: [] });
    expect(chat).toHaveBeenCalledTimes(2);
  });

  it('falls back to a forced function call when the server refuses json_schema, once for the model', async () => {
    const { model, sent } = fakeModel((call) =>
      call.channel === 'response_format'
        ? refusal('response_format json_schema')
        : new AIMessage({
            content: '',
            tool_calls: [
              { id: 'c1', name: 'verification', args: { passed: true, note: null, tags: [] } },
            ],
          }),
    );
    const { structured: llm, warn } = caller(model);
    await Promise.all([llm.call(Verdict, ask, scope), llm.call(Verdict, ask, scope)]);
    await llm.call(Verdict, ask, scope);
    expect(sent.map((s) => s.channel)).toEqual([
      'response_format',
      'response_format',
      'tool',
      'tool',
      'tool',
    ]);
    expect(sent[2].options).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'verification' } },
      strict: true,
      tools: [
        { type: 'function', function: { name: 'verification', parameters: expect.any(Object) } },
      ],
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(llm.status).toMatchObject({
      mode: 'auto',
      channel: 'tool',
      fallbacks: [{ from: 'json_schema', to: 'tool' }],
    });
  });

  it('ends with the prompt text when the forced function is refused too', async () => {
    const { model, sent } = fakeModel((call) =>
      call.channel === 'response_format'
        ? refusal('response_format')
        : call.channel === 'tool'
          ? refusal('tool_choice')
          : new AIMessage('Here: {"passed": true}'),
    );
    const { structured: llm } = caller(model);
    expect((await llm.call(Verdict, ask, scope)).value).toEqual({ passed: true, tags: [] });
    expect(sent.map((s) => s.channel)).toEqual(['response_format', 'tool', 'plain']);
    expect(String(sent[2].messages.at(-1)?.content)).toContain('matching this JSON schema');
    expect(llm.status.channel).toBe('prompt');
  });

  it('answers a wrong function call with a tool result naming the problem', async () => {
    const { model, sent } = fakeModel((call) =>
      call.messages.length === 1
        ? new AIMessage({
            content: '',
            tool_calls: [{ id: 'c9', name: 'verification', args: { passed: 'yes' } }],
          })
        : new AIMessage({
            content: '',
            tool_calls: [{ id: 'c10', name: 'verification', args: { passed: true } }],
          }),
    );
    const { structured: llm } = caller(model, 'tool');
    expect((await llm.call(Verdict, ask, scope)).value).toEqual({ passed: true, tags: [] });
    const repair = sent[1].messages.at(-1) as ToolMessage;
    expect(repair).toBeInstanceOf(ToolMessage);
    expect(repair.tool_call_id).toBe('c9');
    expect(String(repair.content)).toMatch(/Invalid arguments: passed: /);
  });

  it('a forced channel does not fall back: the refusal fails the call with its reason', async () => {
    const { model, sent } = fakeModel(() => refusal('response_format json_schema'));
    const { structured: llm, warn } = caller(model, 'json_schema');
    await expect(llm.call(Verdict, ask, scope)).rejects.toThrow(
      /failed: 400 response_format json_schema/,
    );
    expect(sent).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('channels per provider and mode', () => {
  it.each([
    ['openai', 'auto', ['json_schema', 'tool', 'prompt']],
    ['openai', 'tool', ['tool']],
    ['anthropic', 'auto', ['tool', 'prompt']],
    ['anthropic', 'json_schema', ['tool']],
    ['ollama', 'auto', ['json_schema', 'prompt']],
    ['ollama', 'tool', ['json_schema']],
    ['ollama', 'prompt', ['prompt']],
  ] as const)('%s in mode %s tries %j', (provider, mode, expected) => {
    expect(channelsFor(provider, mode)).toEqual(expected);
  });
});
