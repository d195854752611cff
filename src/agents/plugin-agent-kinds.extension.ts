import { Injectable, OnModuleInit } from '@nestjs/common';
import type { PluginDefinition } from '../plugin-contract/plugin-contract';
import {
  attachEach,
  Detach,
  PluginExtension,
  PluginExtensions,
} from '../plugin-contract/plugin-extensions';
import { AgentKindRegistry } from './agent-kind-registry';

/** Applies a plugin's `agents`: each becomes a kind that selection, scoring and learning treat as built-in. */
@Injectable()
export class PluginAgentKinds implements PluginExtension, OnModuleInit {
  readonly name = 'agents';

  constructor(
    private readonly extensions: PluginExtensions,
    private readonly kinds: AgentKindRegistry,
  ) {}

  onModuleInit(): void {
    this.extensions.add(this);
  }

  attach(plugin: PluginDefinition): Detach {
    return attachEach(plugin.agents, (agent) =>
      this.kinds.add({
        kind: agent.kind,
        capabilities: agent.capabilities,
        systemPrompt: agent.systemPrompt,
        description: agent.description,
      }),
    );
  }
}
