import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type SealedBox } from '#common';
import { ProcessSandbox } from '#sandbox';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { McpNotConfigured, McpWorkingDirRefused } from './mcp-errors';
import { MCP_SECRET_SEALER } from './mcp-secret-sealer.provider';
import { mcpSafeFetch } from './mcp-safe-fetch';
import { resolveWorkingDir } from './mcp-working-dir';
import type { McpServerRow } from './mcp-server.repository';

const MB = 1024 * 1024;

/**
 * The transport to one server. A stdio server's command runs inside the bubblewrap
 * sandbox (no network, read-only system and working directory, private /tmp, an
 * unprivileged uid, limits, an environment of only what the administrator set); without a
 * working sandbox it is refused. An HTTP server is reached through the SSRF-safe client.
 */
@Injectable()
export class McpTransportFactory {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MCP_SECRET_SEALER) private readonly sealer: SealedBox | null,
    private readonly sandbox: ProcessSandbox,
  ) {}

  async create(server: McpServerRow): Promise<{ transport: Transport; stderr?: () => string }> {
    return server.transport === 'stdio' ? this.stdio(server) : { transport: this.http(server) };
  }

  private async stdio(
    server: McpServerRow,
  ): Promise<{ transport: Transport; stderr: () => string }> {
    const { command, args } = await this.sandbox.command({
      argv: [server.command!, ...server.args],
      workspace: await this.workspace(server),
      readOnlyWorkspace: true,
      env: this.opened(server.sealed_env),
      limits: {
        memoryBytes: this.config.MCP_SANDBOX_MEMORY_MB * MB,
        cpuSeconds: this.config.MCP_SANDBOX_CPU_SECONDS,
      },
    });
    const transport = new StdioClientTransport({ command, args, env: {}, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    return { transport, stderr: () => stderr.trim() };
  }

  private http(server: McpServerRow): Transport {
    return new StreamableHTTPClientTransport(new URL(server.url!), {
      fetch: mcpSafeFetch({
        allowHosts: this.config.MCP_ALLOW_HOSTS,
        timeoutMs: this.config.MCP_CALL_TIMEOUT_MS,
        maxResponseBytes: this.config.MCP_MAX_RESPONSE_BYTES,
      }),
      requestInit: { headers: this.opened(server.sealed_headers) },
      reconnectionOptions: {
        maxRetries: 0,
        initialReconnectionDelay: 1000,
        maxReconnectionDelay: 1000,
        reconnectionDelayGrowFactor: 1,
      },
    });
  }

  /**
   * The directory mounted as the server's working directory, checked again at every start:
   * the directories open to stdio servers may have changed since it was stored.
   */
  private async workspace(server: McpServerRow): Promise<string> {
    if (!server.working_dir) return this.emptyDir();
    const dir = await resolveWorkingDir(server.working_dir, this.config.MCP_WORKING_DIRS);
    if ('problem' in dir) throw new McpWorkingDirRefused(server.working_dir, dir.problem);
    return dir.path;
  }

  /** Sealed values opened; only called to connect, never to answer a request. */
  private opened(sealed: unknown): Record<string, string> {
    const entries = Object.entries((sealed ?? {}) as Record<string, string>);
    if (!entries.length) return {};
    if (!this.sealer) throw new McpNotConfigured();
    const box = this.sealer;
    return Object.fromEntries(entries.map(([k, v]) => [k, box.open(v)]));
  }

  private emptyDir(): string {
    const dir = resolve(join(this.config.DATA_DIR, 'mcp', 'empty'));
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }
}
