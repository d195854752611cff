import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { TokenBudget } from '../quotas/token-budget';
import type { TenantDirectory } from '../tenancy/tenant-directory';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { loadConfig } from '../config/app-config';
import { LlmService } from './llm.service';
import type { LlmCallRecord, LlmUsageRecorder } from './llm-usage.recorder';
import { HookManager } from '../hooks/hook-manager';
import { PluginHealth } from '../plugin-contract/plugin-health';

const refused = () =>
  Object.assign(new Error('Connection error.'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  });

/** A model whose first `failures` calls throw `error()`, then answers. */
function flakyModel(failures: number, error: () => Error) {
  let calls = 0;
  const model = {
    invoke: async () => {
      calls++;
      if (calls <= failures) throw error();
      return new AIMessage('done');
    },
  } as unknown as BaseChatModel;
  return { model, calls: () => calls };
}

function service(model: BaseChatModel, env: Record<string, string> = {}) {
  const recorded: LlmCallRecord[] = [];
  const usage = {
    record: async (_scope: unknown, call: LlmCallRecord) => void recorded.push(call),
    recordInBackground: (_scope: unknown, call: LlmCallRecord) => void recorded.push(call),
  } as unknown as LlmUsageRecorder;
  const config = loadConfig({
    LLM_PROVIDER: 'openai',
    LLM_API_KEY: 'k',
    LLM_MAX_RETRIES: '2',
    LLM_RETRY_BASE_MS: '1',
    LLM_RETRY_MAX_MS: '5',
    LLM_OUTAGE_PROBE_MS: '2',
    ...env,
  });
  const warnings: string[] = [];
  const budget = new TokenBudget({
    lookup: () => Promise.resolve(undefined),
  } as unknown as TenantDirectory);
  const llm = new LlmService(
    config,
    model,
    usage,
    budget,
    new HookManager(config, new PluginHealth()),
  );
  (llm as unknown as { logger: { warn(m: string): void } }).logger.warn = (m: string) =>
    void warnings.push(m);
  return { llm, recorded, warnings };
}

const scope = { tenantId: 't', purpose: 'test' };

describe('a model server that cannot be reached', () => {
  it('is waited for beyond the retry count while the outage lasts, and reported once each way', async () => {
    const { model, calls } = flakyModel(20, refused);
    const { llm, recorded, warnings } = service(model);
    const result = await llm.chat([new HumanMessage('hi')], scope);
    expect(result.message.content).toBe('done');
    expect(calls()).toBe(21);
    expect(recorded).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 21 })]);
    expect(warnings).toEqual([
      expect.stringMatching(/^the model server is unavailable \(unreachable \(ECONNREFUSED\)/),
      expect.stringMatching(/^the model server is available again after \d+ ms$/),
    ]);
    expect(llm.availability.status).toEqual({ available: true });
  });

  it('fails the call once the outage outlasts LLM_OUTAGE_MAX_MS, and readiness shows it', async () => {
    const { model } = flakyModel(Infinity, refused);
    const { llm, recorded } = service(model, { LLM_OUTAGE_MAX_MS: '30' });
    await expect(llm.chat([new HumanMessage('hi')], scope)).rejects.toThrow(
      /failed after \d+ attempts: unreachable \(ECONNREFUSED\)/,
    );
    expect(recorded).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(llm.availability.status).toMatchObject({
      available: false,
      unavailable_since: expect.any(String),
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('keeps the retry count for errors that are not an outage', async () => {
    const { model, calls } = flakyModel(Infinity, () =>
      Object.assign(new Error('internal error'), { status: 500 }),
    );
    const { llm } = service(model);
    await expect(llm.chat([new HumanMessage('hi')], scope)).rejects.toThrow(
      /failed after 3 attempts: provider answered 500/,
    );
    expect(calls()).toBe(3);
  });

  it('treats 502, 503 and 504 as an outage', async () => {
    for (const status of [502, 503, 504]) {
      const { model, calls } = flakyModel(6, () =>
        Object.assign(new Error('bad gateway'), { status }),
      );
      const { llm } = service(model);
      await llm.chat([new HumanMessage('hi')], scope);
      expect(calls()).toBe(7);
    }
  });
});
