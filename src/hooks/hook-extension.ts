import { Injectable, OnModuleInit } from '@nestjs/common';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';
import {
  attachEach,
  PluginExtensions,
  type Detach,
  type PluginExtension,
} from '../plugin-contract/plugin-extensions';
import { HookManager } from './hook-manager';

/** Registers a plugin's `hooks` with the HookManager; detaching removes every one of them. */
@Injectable()
export class HookExtension implements PluginExtension, OnModuleInit {
  readonly name = 'hooks';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly hooks: HookManager,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    const handlers = plugin.hooks ?? [];
    if (!handlers.length) return () => undefined;
    const name = plugin.metadata.name;
    if (!plugin.metadata.permissions?.includes('hooks:register'))
      throw new Error(`plugin ${name} has hooks but not the permission hooks:register`);
    return attachEach(handlers, (handler) => this.hooks.register(name, handler));
  }
}
