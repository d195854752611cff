import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { backoffDelay } from '#common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { logFor } from '../../observability/logger';
import { McpServerUnavailable } from './mcp-errors';
import { McpServerRepository, type McpServerRow } from './mcp-server.repository';
import type { McpToolSummary } from './mcp-server-settings';
import { McpTransportFactory } from './mcp-transport.factory';

const log = logFor('McpConnections');
const MAX_TOOLS = 500;

interface Connection {
  client: Client;
  /** The server's `updated_at` this connection was made with: a change means reconnect. */
  version: string;
  tools: McpTool[];
  lastUsed: number;
}

interface Failure {
  at: number;
  count: number;
  message: string;
}

/**
 * This process's connections to MCP servers, one per server, made on first use: the
 * tool list is cached and listed again when the server says it changed, a changed
 * configuration (its `updated_at`) reconnects, a failure waits with backoff before the
 * next try, and an idle connection is closed. Every request is bounded by
 * MCP_CALL_TIMEOUT_MS.
 */
@Injectable()
export class McpConnections implements OnModuleDestroy {
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly failures = new Map<string, Failure>();
  private readonly listeners = new Set<(tenantId: string) => void>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transports: McpTransportFactory,
    private readonly servers: McpServerRepository,
  ) {
    const every = Math.min(30_000, Math.max(500, config.MCP_IDLE_CLOSE_MS / 2));
    this.sweeper = setInterval(() => void this.closeIdle(), every);
    this.sweeper.unref();
  }

  /** Called with the tenant whose tools changed (a server's list-changed notification). */
  onToolsChanged(listener: (tenantId: string) => void): void {
    this.listeners.add(listener);
  }

  /**
   * The server's tools, connecting when needed. `force` (the refresh route) reconnects and
   * ignores a pending backoff.
   */
  async tools(server: McpServerRow, force = false): Promise<McpTool[]> {
    if (force) await this.close(server.id);
    const connection = await this.connection(server, force);
    return connection.tools;
  }

  /** Calls a tool; a protocol or transport failure throws, a tool's own error is a result. */
  async call(
    server: McpServerRow,
    tool: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<CallToolResult> {
    const connection = await this.connection(server, false);
    connection.lastUsed = Date.now();
    try {
      const result = await connection.client.callTool({ name: tool, arguments: args }, undefined, {
        timeout: this.config.MCP_CALL_TIMEOUT_MS,
        signal,
      });
      connection.lastUsed = Date.now();
      return result as CallToolResult;
    } catch (error) {
      throw new McpServerUnavailable(server.name, (error as Error).message);
    }
  }

  /** Closes the connections of servers a tenant no longer has (deleted, disabled). */
  async retain(keep: ReadonlySet<string>, tenantServers: readonly string[]): Promise<void> {
    for (const id of tenantServers) if (!keep.has(id)) await this.close(id);
  }

  async close(serverId: string): Promise<void> {
    const pending = this.connections.get(serverId);
    this.connections.delete(serverId);
    this.failures.delete(serverId);
    if (!pending) return;
    const connection = await pending.catch(() => undefined);
    await connection?.client.close().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.connections.keys()].map((id) => this.close(id)));
  }

  private async connection(server: McpServerRow, ignoreBackoff: boolean): Promise<Connection> {
    const version = versionOf(server);
    const existing = this.connections.get(server.id);
    if (existing) {
      const connection = await existing.catch(() => undefined);
      // a caller holding settings older than the connection's keeps the newer connection
      if (connection && connection.version >= version) {
        connection.lastUsed = Date.now();
        return connection;
      }
      if (this.connections.get(server.id) === existing) await this.close(server.id);
    }
    const failure = this.failures.get(server.id);
    if (failure && !ignoreBackoff) {
      const wait = backoffDelay(failure.count, 1000, this.config.MCP_RECONNECT_MAX_MS, () => 1);
      const left = failure.at + wait - Date.now();
      if (left > 0)
        throw new McpServerUnavailable(
          server.name,
          `${failure.message} (next try in ${Math.ceil(left / 1000)} s)`,
        );
    }
    const pending = this.connect(server, version);
    this.connections.set(server.id, pending);
    try {
      const connection = await pending;
      this.failures.delete(server.id);
      await this.record(server, 'CONNECTED', null, connection.tools);
      return connection;
    } catch (error) {
      if (this.connections.get(server.id) === pending) this.connections.delete(server.id);
      const message = (error as Error).message;
      const previous = this.failures.get(server.id);
      this.failures.set(server.id, { at: Date.now(), count: (previous?.count ?? 0) + 1, message });
      log.warn('MCP server failed', {
        tenantId: server.tenant_id,
        server: server.name,
        err: message,
      });
      await this.record(server, 'FAILED', message, null);
      throw new McpServerUnavailable(server.name, message);
    }
  }

  private async connect(server: McpServerRow, version: string): Promise<Connection> {
    const { transport, stderr } = await this.transports.create(server);
    const client = new Client(
      { name: 'agent-village', version: '1.0.0' },
      {
        capabilities: {},
        listChanged: {
          tools: {
            autoRefresh: true,
            onChanged: (error, tools) => {
              if (error || !tools) return;
              void this.connections.get(server.id)?.then((connection) => {
                connection.tools = tools.slice(0, MAX_TOOLS);
                for (const listener of this.listeners) listener(server.tenant_id);
              });
            },
          },
        },
      },
    );
    client.onclose = () => {
      // the process ended or the session closed: the next use connects again
      void this.connections.get(server.id)?.then(
        (connection) => {
          if (connection.client === client) this.connections.delete(server.id);
        },
        () => undefined,
      );
    };
    try {
      await client.connect(transport, { timeout: this.config.MCP_CONNECT_TIMEOUT_MS });
      const listed = await client.listTools(undefined, {
        timeout: this.config.MCP_CALL_TIMEOUT_MS,
      });
      return { client, version, tools: listed.tools.slice(0, MAX_TOOLS), lastUsed: Date.now() };
    } catch (error) {
      await client.close().catch(() => undefined);
      const detail = stderr?.();
      const message = (error as Error).message;
      throw new Error(detail ? `${message} (stderr: ${detail.slice(-500)})` : message, {
        cause: error,
      });
    }
  }

  private async record(
    server: McpServerRow,
    status: 'CONNECTED' | 'FAILED',
    error: string | null,
    tools: McpTool[] | null,
  ): Promise<void> {
    const summary: McpToolSummary[] | null = tools
      ? tools.map((t) => ({
          name: t.name,
          description: (t.description ?? '').slice(0, 500),
          read_only: t.annotations?.readOnlyHint === true,
        }))
      : null;
    await this.servers
      .recordStatus(server.tenant_id, server.id, status, error?.slice(0, 2000) ?? null, summary)
      .catch((e: Error) => log.warn('could not record MCP server status', { err: e.message }));
  }

  private async closeIdle(): Promise<void> {
    const cutoff = Date.now() - this.config.MCP_IDLE_CLOSE_MS;
    for (const [id, pending] of this.connections) {
      const connection = await pending.catch(() => undefined);
      if (connection && connection.lastUsed < cutoff) await this.close(id);
    }
  }
}

function versionOf(server: McpServerRow): string {
  return new Date(server.updated_at).toISOString();
}
