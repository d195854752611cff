import { Injectable, OnModuleInit } from '@nestjs/common';
import { ToolRegistry } from '../../tools/tool-registry.service';
import type { PluginDefinition } from '../../plugin-contract/plugin-contract';
import {
  type Detach,
  type PluginExtension,
  PluginExtensions,
} from '../../plugin-contract/plugin-extensions';
import { PluginHealth } from '../../plugin-contract/plugin-health';
import { toProductTool } from './plugin-tool';

/**
 * Registers a plugin's `tools` in the tool registry beside the built-in ones (a name
 * already taken refuses the plugin); detaching unregisters them. Failures of a tool's
 * `run` count against the plugin's health.
 */
@Injectable()
export class PluginToolsExtension implements PluginExtension, OnModuleInit {
  readonly name = 'tools';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly tools: ToolRegistry,
    private readonly health: PluginHealth,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    const definitions = plugin.tools ?? [];
    if (!Array.isArray(definitions)) throw new Error('tools must be a list');
    if (!definitions.length) return () => undefined;
    const pluginName = plugin.metadata.name;
    if (!plugin.metadata.permissions?.includes('tools:register'))
      throw new Error('registering tools needs the permission tools:register');
    const outcomes = {
      succeeded: () => this.health.recordSuccess(pluginName),
      failed: (reason: string) => this.health.recordFailure(pluginName, 'tool', reason),
    };
    const products = definitions.map((d) => toProductTool(pluginName, d, outcomes));
    const registered: string[] = [];
    try {
      for (const tool of products) {
        if (this.tools.get(tool.name)) throw new Error(`tool name ${tool.name} is already taken`);
        this.tools.register(tool);
        registered.push(tool.name);
      }
    } catch (error) {
      for (const name of registered) this.tools.unregister(name);
      throw error;
    }
    return () => {
      for (const name of registered) this.tools.unregister(name);
    };
  }
}
