import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { createChatModel } from './chat-model.factory';
import { LlmCallRepository } from './llm-call.repository';
import { LlmUsageRecorder } from './llm-usage.recorder';
import { CHAT_MODEL, LlmService } from './llm.service';
import { QuotasModule } from '../quotas/quotas.module';
import { HooksModule } from '../hooks/hooks.module';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { ChatProviderRegistry } from './chat-provider-registry';
import { PluginChatProviders } from './plugin-chat-providers.extension';

@Module({
  imports: [QuotasModule, PluginExtensionsModule, HooksModule],
  providers: [
    {
      provide: CHAT_MODEL,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createChatModel(config),
    },
    LlmCallRepository,
    LlmUsageRecorder,
    LlmService,
    ChatProviderRegistry,
    PluginChatProviders,
  ],
  exports: [LlmService, LlmUsageRecorder, LlmCallRepository],
})
export class LlmModule {}
