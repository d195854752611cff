import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PluginExtensionsModule } from '../plugin-contract/plugin-extensions.module';
import { PluginMiddlewareChain } from './plugin-middleware-chain';
import { PluginMiddlewareExtension } from './plugin-middleware.extension';
import { PluginMiddlewareInterceptor } from './plugin-middleware.interceptor';

/** Plugin middleware on the HTTP API (API processes only). */
@Module({
  imports: [PluginExtensionsModule],
  providers: [
    PluginMiddlewareChain,
    PluginMiddlewareExtension,
    { provide: APP_INTERCEPTOR, useClass: PluginMiddlewareInterceptor },
  ],
  exports: [PluginMiddlewareChain],
})
export class PluginMiddlewareModule {}
