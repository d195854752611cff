import { loadConfig } from '../config/app-config';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';
import { HookManager } from '../hooks/hook-manager';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { PluginExtensions } from '../plugin-contract/plugin-extensions';
import { TokenBudget } from '../quotas/token-budget';
import { ChatProviderRegistry } from './chat-provider-registry';
import { LlmUsageRecorder } from './llm-usage.recorder';
import { LlmService } from './llm.service';
import { PluginChatProviders } from './plugin-chat-providers.extension';

const gatewayPlugin: PluginDefinition = {
  metadata: { name: 'kinds-provider', version: '1.0.0', type: 'PROVIDER', hostApi: '^1.0.0' },
  chatProviders: [
    {
      id: 'kinds-gateway',
      openAICompatible: { baseUrl: 'http://127.0.0.1:9/v1', model: 'gateway-model' },
    },
  ],
};

/** LLM_PROVIDER naming a plugin's chat provider: taken once attached, refused once detached. */
describe('chat providers from plugins', () => {
  const config = loadConfig({ LOG_LEVEL: 'warn', LLM_PROVIDER: 'kinds-gateway' });
  const registry = new ChatProviderRegistry(config);
  const extension = new PluginChatProviders(config, new PluginExtensions(), registry);
  const llm = new LlmService(
    config,
    null,
    {} as LlmUsageRecorder,
    {} as TokenBudget,
    new HookManager(config, new PluginHealth()),
    registry,
  );

  it('accepts a plugin id in LLM_PROVIDER but still refuses a malformed one', () => {
    expect(config.llmProvider).toBe('kinds-gateway');
    expect(() => loadConfig({ LLM_PROVIDER: 'Open AI' })).toThrow('LLM_PROVIDER');
  });

  it('uses the plugin’s OpenAI-compatible model while attached; before and after, the start check names the ids there are', async () => {
    expect(() => extension.verify()).toThrow(
      'LLM_PROVIDER=kinds-gateway is not a known provider; available: offline, openai, ollama, anthropic',
    );
    const detach = await extension.attach(gatewayPlugin);
    expect(() => extension.verify()).not.toThrow();
    expect(llm.provider).toBe('kinds-gateway');
    expect(llm.modelName).toBe('gateway-model');
    expect(llm.isOffline).toBe(false);
    expect(llm.structuredStatus.sends).toContain('response_format');

    await detach();
    expect(() => llm.isOffline).toThrow('available: offline, openai, ollama, anthropic');
  });

  it('refuses a provider with neither a gateway nor a model factory', () => {
    expect(() => extension.attach({ ...gatewayPlugin, chatProviders: [{ id: 'empty' }] })).toThrow(
      'neither openAICompatible nor createChatModel',
    );
  });
});
