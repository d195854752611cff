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

/**
 * Tools that come and go at run time or differ per tenant (plugins, a tenant's MCP
 * servers). Asked on every lookup, so `toolsFor` answers from memory.
 */
export interface ToolSource {
  /** Names the source in logs and conflicts. */
  readonly name: string;
  toolsFor(tenantId: string): readonly Tool[];
  /** Brings the tenant's tools up to date before a task lists them (e.g. loads them). */
  prepare?(tenantId: string): Promise<void>;
}

@Injectable()
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly sources = new Set<ToolSource>();
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

  unregister(name: string): void {
    if (this.tools.delete(name)) this.cachedDefinitions = undefined;
  }

  /** Adds a source of further tools; the returned function removes it again. */
  addSource(source: ToolSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** Lets every source bring a tenant's tools up to date; a source that fails keeps its old ones. */
  async prepare(tenantId: string): Promise<void> {
    const pending = [...this.sources].map((s) => s.prepare?.(tenantId).catch(() => undefined));
    await Promise.all(pending);
  }

  /** A tool by name: the registered ones first, then the sources' tools for the tenant. */
  get(name: string, tenantId?: string): Tool | undefined {
    const registered = this.tools.get(name);
    if (registered || tenantId === undefined) return registered;
    for (const source of this.sources)
      for (const tool of source.toolsFor(tenantId)) if (tool.name === name) return tool;
    return undefined;
  }

  /** Every tool a tenant's agents may call (registered tools without a tenant). */
  list(tenantId?: string): Tool[] {
    const tools = [...this.tools.values()];
    if (tenantId === undefined) return tools;
    for (const tool of this.sourceTools(tenantId)) tools.push(tool);
    return tools;
  }

  describe(tenantId?: string): ToolDescription[] {
    return this.list(tenantId).map((t) => ({
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
  definitions(tenantId?: string): ToolDefinition[] {
    const registered = (this.cachedDefinitions ??= this.list().map(definitionOf));
    if (tenantId === undefined || this.sources.size === 0) return registered;
    const extra = this.sourceTools(tenantId);
    return extra.length ? [...registered, ...extra.map(definitionOf)] : registered;
  }

  /** The sources' tools for a tenant, minus any whose name a registered tool holds. */
  private sourceTools(tenantId: string): Tool[] {
    const seen = new Set(this.tools.keys());
    const tools: Tool[] = [];
    for (const source of this.sources)
      for (const tool of source.toolsFor(tenantId)) {
        if (seen.has(tool.name)) continue;
        seen.add(tool.name);
        tools.push(tool);
      }
    return tools;
  }
}

function definitionOf(tool: Tool): ToolDefinition {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: jsonSchemaOf(tool) },
  };
}

function jsonSchemaOf(tool: Tool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}
