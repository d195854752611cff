import { HumanMessage, SystemMessage, type AIMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { classifyLlmError, isUnreadableAnswer, LlmCallFailed } from './llm-errors';
import { ChatCompletionsError, OpenAiChatCompletions } from './openai-chat-completions';

interface Sent {
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A fetch that records each request and answers with `reply` (a body and a status). */
function recordingFetch(reply: () => { status?: number; body: unknown }) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    sent.push({ url: String(input), body: JSON.parse(String(init?.body)), headers });
    const { status = 200, body } = reply();
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { sent, fetch };
}

const completion = (message: Record<string, unknown>, finish = 'stop') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
});

/** The OpenAI SDK marks its requests with `x-stainless-*` headers; the direct path does not. */
const throughSdk = (sent: Sent) =>
  Object.keys(sent.headers).some((h) => h.startsWith('x-stainless'));

const fields = (fetch: ReturnType<typeof recordingFetch>['fetch']) => ({
  model: 'gpt-4o-mini',
  temperature: 0.2,
  apiKey: 'sk-test',
  maxRetries: 0,
  configuration: { baseURL: 'http://models.test/v1', fetch },
});

/** The same call through ChatOpenAI and through the direct path: bodies and answers. */
async function both(
  answer: Record<string, unknown>,
  call: (model: ChatOpenAI) => Promise<AIMessage>,
  finish = 'stop',
) {
  const viaClient = recordingFetch(() => ({ body: completion(answer, finish) }));
  const viaDirect = recordingFetch(() => ({ body: completion(answer, finish) }));
  const client = new ChatOpenAI(fields(viaClient.fetch));
  const direct = new OpenAiChatCompletions(fields(viaDirect.fetch), {
    baseUrl: 'http://models.test/v1',
    apiKey: 'sk-test',
    fetch: viaDirect.fetch,
  });
  const result = {
    client: { message: await call(client), sent: viaClient.sent },
    direct: { message: await call(direct), sent: viaDirect.sent },
  };
  expect(result.direct.sent.map(throughSdk)).toEqual([false]);
  expect(result.client.sent.map(throughSdk)).toEqual([true]);
  return result;
}

const messages = [new SystemMessage('You plan.'), new HumanMessage('Plan the release.')];

describe('OpenAiChatCompletions', () => {
  it('sends the body ChatOpenAI sends and reads back the same message, usage included', async () => {
    const { client, direct } = await both(
      { content: 'Three steps.' },
      async (model) => (await model.invoke(messages)) as AIMessage,
    );
    expect(direct.sent).toHaveLength(1);
    expect(direct.sent[0].url).toBe('http://models.test/v1/chat/completions');
    expect(direct.sent[0].headers.authorization).toBe('Bearer sk-test');
    expect(direct.sent[0].body).toEqual(client.sent[0].body);
    expect(direct.message.content).toBe('Three steps.');
    expect(direct.message.content).toEqual(client.message.content);
    expect(direct.message.usage_metadata).toMatchObject({
      input_tokens: 12,
      output_tokens: 5,
      total_tokens: 17,
    });
    expect(direct.message.id).toBe(client.message.id);
  });

  it('binds tools, tool_choice and strict as ChatOpenAI does, and parses the calls (a bad one as invalid)', async () => {
    const tool = {
      type: 'function' as const,
      function: {
        name: 'report',
        description: 'Report the result.',
        parameters: {
          type: 'object',
          properties: { ok: { type: 'boolean' } },
          required: ['ok'],
          additionalProperties: false,
        },
      },
    };
    const answer = {
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'report', arguments: '{"ok":true}' } },
        { id: 'call_2', type: 'function', function: { name: 'report', arguments: '{"ok":' } },
      ],
    };
    const { client, direct } = await both(
      answer,
      async (model) =>
        (await model
          .bindTools([tool], {
            tool_choice: { type: 'function', function: { name: 'report' } },
            strict: true,
            parallel_tool_calls: false,
          })
          .invoke(messages)) as AIMessage,
    );
    expect(direct.sent[0].body).toEqual(client.sent[0].body);
    expect(direct.sent[0].body).toMatchObject({ parallel_tool_calls: false });
    expect(direct.message.tool_calls).toEqual(client.message.tool_calls);
    expect(direct.message.tool_calls).toEqual([
      expect.objectContaining({ id: 'call_1', name: 'report', args: { ok: true } }),
    ]);
    expect(direct.message.invalid_tool_calls).toEqual(client.message.invalid_tool_calls);
    expect(direct.message.invalid_tool_calls?.[0]).toMatchObject({ id: 'call_2', name: 'report' });
  });

  it('carries a json_schema response format as ChatOpenAI does, and refuses an answer cut at the length limit', async () => {
    const format = {
      response_format: {
        type: 'json_schema' as const,
        json_schema: {
          name: 'plan',
          strict: true,
          schema: {
            type: 'object',
            properties: { steps: { type: 'array', items: { type: 'string' } } },
            required: ['steps'],
            additionalProperties: false,
          },
        },
      },
    };
    const { client, direct } = await both(
      { content: '{"steps":["a"]}' },
      async (model) => (await model.withConfig(format).invoke(messages)) as AIMessage,
    );
    expect(direct.sent[0].body).toEqual(client.sent[0].body);
    expect(direct.message.content).toBe('{"steps":["a"]}');

    const cut = recordingFetch(() => ({ body: completion({ content: '{"steps":["a' }, 'length') }));
    const model = new OpenAiChatCompletions(fields(cut.fetch), {
      baseUrl: 'http://models.test/v1',
      apiKey: 'sk-test',
      fetch: cut.fetch,
    });
    const error = await model
      .withConfig(format)
      .invoke(messages)
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('LengthFinishReasonError');
    // the structured caller asks again after an answer it could not read
    const failed = new LlmCallFailed('cut', { retryable: false, reason: 'cut' }, error);
    expect(isUnreadableAnswer(failed)).toBe(true);
    expect(cut.sent.map(throughSdk)).toEqual([false]);
  });

  it('reports a refusal with its status, headers and the server’s own words', async () => {
    const refusing = recordingFetch(() => ({
      status: 400,
      body: { error: { message: "Unknown field 'response_format.json_schema'" } },
    }));
    const model = new OpenAiChatCompletions(fields(refusing.fetch), {
      baseUrl: 'http://models.test/v1/',
      apiKey: 'sk-test',
      fetch: refusing.fetch,
    });
    const error = await model.invoke(messages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatCompletionsError);
    expect((error as ChatCompletionsError).status).toBe(400);
    expect(refusing.sent[0].url).toBe('http://models.test/v1/chat/completions');
    expect(classifyLlmError(error)).toMatchObject({
      retryable: false,
      status: 400,
      reason: "provider answered 400: 400 Unknown field 'response_format.json_schema'",
    });
  });

  it('takes ChatOpenAI’s own path for a call with callbacks', async () => {
    const answered = recordingFetch(() => ({ body: completion({ content: 'traced' }) }));
    const model = new OpenAiChatCompletions(fields(answered.fetch), {
      baseUrl: 'http://models.test/v1',
      apiKey: 'sk-test',
      fetch: answered.fetch,
    });
    const seen: string[] = [];
    const message = await model.invoke(messages, {
      callbacks: [{ handleLLMStart: () => void seen.push('start') }],
    });
    expect(message.content).toBe('traced');
    expect(seen).toEqual(['start']);
    expect(answered.sent.map(throughSdk)).toEqual([true]);
  });
});
