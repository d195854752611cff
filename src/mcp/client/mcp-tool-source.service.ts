import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { logFor } from '../../observability/logger';
import type { Tool } from '../../tools/tool';
import { ToolRegistry, type ToolSource } from '../../tools/tool-registry.service';
import { McpConnections } from './mcp-connections.service';
import { McpServerRepository, type McpServerRow } from './mcp-server.repository';
import { productTool } from './mcp-tool.factory';
import { disambiguated, mcpToolName } from './mcp-tool-naming';

const log = logFor('McpToolSource');

interface TenantTools {
  loadedAt: number;
  tools: Tool[];
  servers: Map<string, McpServerRow>;
}

/**
 * Each tenant's MCP tools as a source of the tool registry. `toolsFor` answers from
 * memory and starts a load when the tenant's copy is missing or older than
 * MCP_CONFIG_CACHE_MS; `prepare` waits for that load, so a task's tool list is current.
 * A load reads the tenant's enabled servers (one statement) and lists each one's tools
 * through the connections; a server that fails is left out until it answers again.
 */
@Injectable()
export class McpToolSource implements ToolSource, OnModuleInit, OnModuleDestroy {
  readonly name = 'mcp';
  private readonly tenants = new Map<string, TenantTools>();
  private readonly loading = new Map<string, Promise<TenantTools>>();
  private removeSource?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ToolRegistry,
    private readonly servers: McpServerRepository,
    private readonly connections: McpConnections,
  ) {}

  onModuleInit(): void {
    this.removeSource = this.registry.addSource(this);
    this.connections.onToolsChanged((tenantId) => this.forget(tenantId));
  }

  onModuleDestroy(): void {
    this.removeSource?.();
  }

  toolsFor(tenantId: string): readonly Tool[] {
    const cached = this.tenants.get(tenantId);
    if (!cached || this.isStale(cached)) void this.load(tenantId).catch(() => undefined);
    return cached?.tools ?? [];
  }

  async prepare(tenantId: string): Promise<void> {
    const cached = this.tenants.get(tenantId);
    if (cached && !this.isStale(cached)) return;
    await this.load(tenantId);
  }

  /** Drops the tenant's copy (its servers changed here); the next use loads it again. */
  forget(tenantId: string): void {
    const cached = this.tenants.get(tenantId);
    if (cached) cached.loadedAt = 0;
  }

  private isStale(entry: TenantTools): boolean {
    return Date.now() - entry.loadedAt >= this.config.MCP_CONFIG_CACHE_MS;
  }

  private load(tenantId: string): Promise<TenantTools> {
    const running = this.loading.get(tenantId);
    if (running) return running;
    const started = this.read(tenantId)
      .then((entry) => {
        this.tenants.set(tenantId, entry);
        return entry;
      })
      .catch((error: Error) => {
        log.warn('could not load MCP tools', { tenantId, err: error.message });
        throw error;
      })
      .finally(() => this.loading.delete(tenantId));
    this.loading.set(tenantId, started);
    return started;
  }

  private async read(tenantId: string): Promise<TenantTools> {
    const loadedAt = Date.now();
    const rows = await this.servers.enabledOf(tenantId);
    const previous = [...(this.tenants.get(tenantId)?.servers.keys() ?? [])];
    const servers = new Map(rows.map((r) => [r.id, r]));
    await this.connections.retain(new Set(servers.keys()), previous);
    if (!rows.length) return { loadedAt, tools: [], servers };
    const listed = await Promise.all(rows.map((row) => this.toolsOf(row)));
    const taken = new Set<string>();
    const tools: Tool[] = [];
    for (const { row, tools: serverTools } of listed)
      for (const tool of serverTools) {
        let name = mcpToolName(row.name, tool.name);
        if (taken.has(name)) name = disambiguated(name, row.name, tool.name);
        if (taken.has(name)) continue;
        taken.add(name);
        tools.push(
          productTool(row, tool, name, (server, toolName, args, signal) =>
            // the settings this process read last, so a call never reconnects to older ones
            this.connections.call(this.current(server), toolName, args, signal),
          ) as Tool,
        );
      }
    return { loadedAt, tools, servers };
  }

  private current(server: McpServerRow): McpServerRow {
    return this.tenants.get(server.tenant_id)?.servers.get(server.id) ?? server;
  }

  private async toolsOf(row: McpServerRow) {
    try {
      return { row, tools: await this.connections.tools(row) };
    } catch {
      return { row, tools: [] };
    }
  }
}
