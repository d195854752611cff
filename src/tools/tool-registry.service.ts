import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { ToolDefinition } from '../llm/llm.service';
import { BUILTIN_TOOLS } from './builtin-tools';
import type { Tool } from './tool';

export interface ToolDescription {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  permission: string;
  risk: string;
  requires_approval: boolean;
  has_side_effects: boolean;
}

@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private cachedDefinitions: ToolDefinition[] | undefined;

  constructor() {
    for (const tool of BUILTIN_TOOLS) this.register(tool);
  }

  register(tool: Tool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool ${tool.name} is already registered`);
    this.tools.set(tool.name, tool);
    this.cachedDefinitions = undefined;
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  list(): Tool[] {
    return [...this.tools.values()];
  }

  describe(): ToolDescription[] {
    return this.list().map((t) => ({
      name: t.name,
      description: t.description,
      parameters: jsonSchemaOf(t),
      permission: t.permission,
      risk: t.risk,
      requires_approval: t.requiresApproval,
      has_side_effects: t.hasSideEffects,
    }));
  }

  /** Function-calling definitions offered to the model. */
  definitions(): ToolDefinition[] {
    return (this.cachedDefinitions ??= this.list().map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: jsonSchemaOf(t) },
    })));
  }
}

function jsonSchemaOf(tool: Tool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}
