import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ProcessSandbox } from '#sandbox';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { ToolDefinition } from '../llm/llm.service';
import { BUILTIN_TOOLS } from './builtin-tools';
import { codeTools } from './code/code-tools';
import { fileTools } from './files/file-tools';
import type { Tool } from './tool';
import { webTools } from './web/web-tools';

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

  constructor(@Inject(APP_CONFIG) config: AppConfig, sandbox: ProcessSandbox) {
    for (const tool of BUILTIN_TOOLS) this.register(tool);
    for (const tool of fileTools({ maxBytes: config.TOOLS_FILE_MAX_BYTES })) this.register(tool);
    const web = webTools({
      allowHosts: config.TOOLS_HTTP_ALLOW_HOSTS,
      timeoutMs: config.TOOLS_HTTP_TIMEOUT_MS,
      maxResponseBytes: config.TOOLS_HTTP_MAX_BYTES,
      maxRedirects: config.TOOLS_HTTP_MAX_REDIRECTS,
      maxTextChars: config.TOOLS_HTTP_MAX_TEXT_CHARS,
    });
    for (const tool of web) this.register(tool);
    const code = codeTools(sandbox, {
      pythonPath: config.SANDBOX_PYTHON_PATH,
      maxWallMs: config.SANDBOX_WALL_MS,
    });
    for (const tool of code) this.register(tool);
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
