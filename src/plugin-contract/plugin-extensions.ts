import { Injectable } from '@nestjs/common';
import type { PluginDefinition, PluginHost } from './plugin-contract';

/** Takes back what an extension applied for a plugin (on unload, disable or reload). */
export type Detach = () => void | Promise<void>;

/**
 * One part of the product plugins extend (tools, hooks, agent kinds, providers, memory,
 * middleware). The plugin registry hands every loaded plugin to each extension.
 */
export interface PluginExtension {
  readonly name: string;
  /** Applies the parts of `plugin` this extension handles; throws to refuse the plugin. */
  attach(plugin: PluginDefinition, host: PluginHost): Detach | Promise<Detach>;
  /**
   * Called once at start after every plugin is attached: checks what only the full set of
   * plugins can settle (a setting naming a plugin's provider); throws one line to stop the start.
   */
  verify?(): void | Promise<void>;
}

/** The extensions registered by their modules at init, read by the registry at bootstrap. */
@Injectable()
export class PluginExtensions {
  private readonly extensions: PluginExtension[] = [];

  add(extension: PluginExtension): void {
    this.extensions.push(extension);
  }

  all(): readonly PluginExtension[] {
    return this.extensions;
  }
}

/**
 * Adds each of a plugin's parts with `add`, all or nothing: when one is refused (throws),
 * those added before it are taken back. The Detach takes them all back.
 */
export function attachEach<T>(
  parts: readonly T[] | undefined,
  add: (part: T) => () => void,
): Detach {
  const removals: Array<() => void> = [];
  const removeAll = () => {
    for (const remove of removals.splice(0).reverse()) remove();
  };
  try {
    for (const part of parts ?? []) removals.push(add(part));
  } catch (error) {
    removeAll();
    throw error;
  }
  return removeAll;
}
