import { Module } from '@nestjs/common';
import { PluginExtensions } from './plugin-extensions';
import { PluginHealth } from './plugin-health';

/** Where plugin parts are registered and plugin failures counted; imported by each module that extends or reads them. */
@Module({ providers: [PluginExtensions, PluginHealth], exports: [PluginExtensions, PluginHealth] })
export class PluginExtensionsModule {}
