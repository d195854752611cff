import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { PluginChatProvider, PluginDefinition } from '../plugin-contract/plugin-contract';
import {
  attachEach,
  Detach,
  PluginExtension,
  PluginExtensions,
} from '../plugin-contract/plugin-extensions';
import { createOpenAICompatibleModel } from './chat-model.factory';
import { AddedChatProvider, ChatProviderRegistry } from './chat-provider-registry';

/** Applies a plugin's `chatProviders`: each becomes a value `LLM_PROVIDER` may name. */
@Injectable()
export class PluginChatProviders implements PluginExtension, OnModuleInit {
  readonly name = 'chat-providers';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly extensions: PluginExtensions,
    private readonly providers: ChatProviderRegistry,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    return attachEach(plugin.chatProviders, (provider) =>
      this.providers.add(this.build(plugin.metadata.name, provider)),
    );
  }

  /** A start whose LLM_PROVIDER names no loaded provider stops with the ids there are. */
  verify(): void {
    if (this.providers.isPluginConfigured) this.providers.configured();
  }

  private build(plugin: string, provider: PluginChatProvider): AddedChatProvider {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(provider.id ?? ''))
      throw new Error(
        `chat provider id "${String(provider.id)}" of ${plugin} must be lower-case letters, digits, - and _`,
      );
    const gateway = provider.openAICompatible;
    if (gateway) {
      if (!gateway.baseUrl || !gateway.model)
        throw new Error(`chat provider ${provider.id} needs openAICompatible.baseUrl and model`);
      const modelName = this.config.LLM_MODEL ?? gateway.model;
      return {
        id: provider.id,
        modelName,
        model: createOpenAICompatibleModel(this.config, {
          model: modelName,
          apiKey: gateway.apiKey,
          baseUrl: gateway.baseUrl,
        }),
        wire: 'openai',
        structuredInPromptOnly: false,
      };
    }
    if (!provider.createChatModel)
      throw new Error(
        `chat provider ${provider.id} has neither openAICompatible nor createChatModel`,
      );
    const model = provider.createChatModel({
      ...(this.config.LLM_MODEL ? { model: this.config.LLM_MODEL } : {}),
      temperature: this.config.LLM_TEMPERATURE,
    });
    if (!isChatModel(model))
      throw new Error(`chat provider ${provider.id}: createChatModel did not return a chat model`);
    return {
      id: provider.id,
      modelName: this.config.LLM_MODEL ?? provider.id,
      model,
      wire: 'openai',
      structuredInPromptOnly: true,
    };
  }
}

function isChatModel(value: unknown): value is BaseChatModel {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { invoke?: unknown }).invoke === 'function'
  );
}
