import { Inject, Injectable } from '@nestjs/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { APP_CONFIG } from '../config/config.module';
import { BUILTIN_LLM_PROVIDERS, type AppConfig, type LlmProviderName } from '../config/app-config';

/** A chat model added at run time (by a plugin), selected by `LLM_PROVIDER=<id>`. */
export interface AddedChatProvider {
  id: string;
  model: BaseChatModel;
  modelName: string;
  /** How structured output goes on the wire: `openai` for OpenAI-compatible gateways. */
  wire: LlmProviderName;
  /** A model of unknown wire form is asked for structured output in the prompt only. */
  structuredInPromptOnly: boolean;
}

/** The chat providers plugins added, by id; the built-in ones are not listed here. */
@Injectable()
export class ChatProviderRegistry {
  private readonly added = new Map<string, AddedChatProvider>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Adds a provider; the returned function removes it again. Throws on a taken id. */
  add(provider: AddedChatProvider): () => void {
    if ((BUILTIN_LLM_PROVIDERS as readonly string[]).includes(provider.id))
      throw new Error(`chat provider ${provider.id} is built in`);
    if (this.added.has(provider.id))
      throw new Error(`chat provider ${provider.id} is already registered`);
    this.added.set(provider.id, provider);
    return () => {
      if (this.added.get(provider.id) === provider) this.added.delete(provider.id);
    };
  }

  get(id: string): AddedChatProvider | undefined {
    return this.added.get(id);
  }

  /** The provider `LLM_PROVIDER` names when it is not built in; throws the one-line reason when none has that id. */
  configured(): AddedChatProvider {
    const id = this.config.llmProvider;
    const provider = this.added.get(id);
    if (!provider)
      throw new Error(
        `LLM_PROVIDER=${id} is not a known provider; available: ${[...BUILTIN_LLM_PROVIDERS, ...this.added.keys()].join(', ')}`,
      );
    return provider;
  }

  /** Whether `LLM_PROVIDER` names a provider a plugin must add. */
  get isPluginConfigured(): boolean {
    return !(BUILTIN_LLM_PROVIDERS as readonly string[]).includes(this.config.llmProvider);
  }
}
