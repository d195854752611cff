import { Injectable, OnModuleInit } from '@nestjs/common';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';
import {
  attachEach,
  Detach,
  PluginExtension,
  PluginExtensions,
} from '../plugin-contract/plugin-extensions';
import { MemoryBackendRegistry } from './memory-backend-registry';

/** Applies a plugin's `memoryBackends`: each keeps one memory type for every tenant, tenant by tenant. */
@Injectable()
export class PluginMemoryBackends implements PluginExtension, OnModuleInit {
  readonly name = 'memory-backends';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly backends: MemoryBackendRegistry,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    return attachEach(plugin.memoryBackends, (backend) =>
      this.backends.add({ plugin: plugin.metadata.name, backend }),
    );
  }
}
