import { Module } from '@nestjs/common';
import { ToolsModule } from '../tools/tools.module';
import { PluginCommandsBridge } from './plugin-commands-bridge';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { PluginMetrics } from './plugin-metrics';
import { PluginRegistry } from './plugin-registry.service';
import { PluginsController } from './plugins.controller';
import { PluginToolsExtension } from './tools/plugin-tools.extension';

/** Loads the installation's plugins at bootstrap and serves their admin API. */
@Module({
  imports: [PluginExtensionsModule, ToolsModule],
  providers: [PluginRegistry, PluginCommandsBridge, PluginToolsExtension, PluginMetrics],
  controllers: [PluginsController],
  exports: [PluginRegistry],
})
export class PluginsModule {}
