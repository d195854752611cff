import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { DomainEventHooks } from './domain-event-hooks';
import { HookExtension } from './hook-extension';
import { HookManager } from './hook-manager';

/** Plugins' hook handlers and the emission of hook points (see HookManager). */
@Module({
  imports: [PluginExtensionsModule, EventsModule],
  providers: [HookManager, HookExtension, DomainEventHooks],
  exports: [HookManager],
})
export class HooksModule {}
