import { Injectable, OnModuleInit } from '@nestjs/common';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';
import { Detach, PluginExtension, PluginExtensions } from '../plugin-contract/plugin-extensions';
import { PluginMiddlewareChain } from './plugin-middleware-chain';

/** Applies a plugin's `middleware` on the route prefixes it names. */
@Injectable()
export class PluginMiddlewareExtension implements PluginExtension, OnModuleInit {
  readonly name = 'middleware';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly chain: PluginMiddlewareChain,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    const entries = plugin.middleware ?? [];
    for (const [i, m] of entries.entries()) {
      if (typeof m.handle !== 'function')
        throw new Error(`middleware[${i}] of ${plugin.metadata.name} has no handle function`);
      if (!Array.isArray(m.routes) || !m.routes.length)
        throw new Error(`middleware[${i}] of ${plugin.metadata.name} names no routes`);
      for (const route of m.routes)
        if (typeof route !== 'string' || !route.startsWith('/'))
          throw new Error(
            `middleware[${i}] of ${plugin.metadata.name}: route ${String(route)} must start with /`,
          );
    }
    const removals = entries.map((m) =>
      this.chain.add({ plugin: plugin.metadata.name, routes: [...m.routes], handle: m.handle }),
    );
    return () => {
      for (const remove of removals) remove();
    };
  }
}
