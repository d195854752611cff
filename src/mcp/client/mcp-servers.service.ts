import { Inject, Injectable } from '@nestjs/common';
import { type FieldError, NotFound, type SealedBox, ValidationFailed, uuidv7 } from '#common';
import type { ZodType } from 'zod';
import { ProcessSandbox } from '#sandbox';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { McpConnections } from './mcp-connections.service';
import { McpNotConfigured, McpSandboxUnavailable, McpServerNameTaken } from './mcp-errors';
import { MCP_SECRET_SEALER } from './mcp-secret-sealer.provider';
import {
  type CreateMcpServerInput,
  createMcpServerSchema,
  mcpUrlProblem,
  parseInput,
  type UpdateMcpServerInput,
  updateMcpServerSchema,
} from './mcp-server-input';
import { McpServerRepository, type McpServerRow } from './mcp-server.repository';
import type { McpServerSettings, McpToolOverride } from './mcp-server-settings';
import { McpToolSource } from './mcp-tool-source.service';
import { resolveWorkingDir } from './mcp-working-dir';

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** A tenant's MCP servers: their settings (secrets sealed), and connecting to one now. */
@Injectable()
export class McpServers {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MCP_SECRET_SEALER) private readonly sealer: SealedBox | null,
    private readonly servers: McpServerRepository,
    private readonly connections: McpConnections,
    private readonly source: McpToolSource,
    private readonly sandbox: ProcessSandbox,
  ) {}

  async create(tenantId: string, createdBy: string | null, body: unknown): Promise<McpServerRow> {
    const input = this.parse(createMcpServerSchema, body);
    const settings: McpServerSettings = {
      name: input.name,
      description: input.description ?? null,
      transport: input.transport,
      command: input.command ?? null,
      args: input.args ?? [],
      working_dir: input.working_dir ?? null,
      sealed_env: this.sealed({}, input.env),
      url: input.url ?? null,
      sealed_headers: this.sealed({}, input.headers),
      default_permission: input.default_permission ?? 'EXECUTE',
      default_risk: input.default_risk ?? 'HIGH',
      default_requires_approval: input.default_requires_approval ?? true,
      tool_overrides: input.tool_overrides ?? {},
      enabled: input.enabled ?? true,
    };
    await this.check(settings, input);
    if (await this.servers.idOfName(tenantId, settings.name))
      throw new McpServerNameTaken(settings.name);
    try {
      const row = await this.servers.insert({
        id: uuidv7(),
        tenant_id: tenantId,
        created_by: createdBy,
        ...settings,
      });
      this.source.forget(tenantId);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw new McpServerNameTaken(settings.name);
      throw error;
    }
  }

  list(tenantId: string): Promise<McpServerRow[]> {
    return this.servers.list(tenantId);
  }

  async get(tenantId: string, id: string): Promise<McpServerRow> {
    const row = await this.servers.byId(tenantId, id);
    if (!row) throw new NotFound('mcp-server', id);
    return row;
  }

  /** Applies the given fields over the current ones; env and headers entries set to null go. */
  async update(tenantId: string, id: string, body: unknown): Promise<McpServerRow> {
    const input = this.parse(updateMcpServerSchema, body);
    const current = await this.get(tenantId, id);
    const transport = input.transport ?? (current.transport as McpServerSettings['transport']);
    const switched = transport !== current.transport;
    const settings: McpServerSettings = {
      name: input.name ?? current.name,
      description: input.description !== undefined ? input.description : current.description,
      transport,
      command: input.command ?? (switched ? null : current.command),
      args: input.args ?? (switched ? [] : current.args),
      working_dir: input.working_dir ?? (switched ? null : current.working_dir),
      sealed_env: this.sealed(switched ? {} : stored(current.sealed_env), input.env),
      url: input.url ?? (switched ? null : current.url),
      sealed_headers: this.sealed(switched ? {} : stored(current.sealed_headers), input.headers),
      default_permission:
        input.default_permission ??
        (current.default_permission as McpServerSettings['default_permission']),
      default_risk:
        input.default_risk ?? (current.default_risk as McpServerSettings['default_risk']),
      default_requires_approval:
        input.default_requires_approval ?? current.default_requires_approval,
      tool_overrides:
        input.tool_overrides ?? (current.tool_overrides as Record<string, McpToolOverride>),
      enabled: input.enabled ?? current.enabled,
    };
    await this.check(settings, input);
    if (settings.name !== current.name && (await this.servers.idOfName(tenantId, settings.name)))
      throw new McpServerNameTaken(settings.name);
    let row: McpServerRow | undefined;
    try {
      row = await this.servers.update(tenantId, id, settings);
    } catch (error) {
      if (isUniqueViolation(error)) throw new McpServerNameTaken(settings.name);
      throw error;
    }
    if (!row) throw new NotFound('mcp-server', id);
    await this.connections.close(id);
    this.source.forget(tenantId);
    return row;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.servers.delete(tenantId, id))) throw new NotFound('mcp-server', id);
    await this.connections.close(id);
    this.source.forget(tenantId);
  }

  /** Connects now and lists the tools; the answer carries them or the connection's error. */
  async refresh(tenantId: string, id: string): Promise<McpServerRow> {
    const row = await this.get(tenantId, id);
    await this.connections.tools(row, true).catch(() => undefined);
    this.source.forget(tenantId);
    return this.get(tenantId, id);
  }

  private parse<T>(schema: ZodType<T>, body: unknown): T {
    const parsed = parseInput(schema, body);
    if ('errors' in parsed) throw new ValidationFailed(parsed.errors);
    return parsed.value;
  }

  /** Stored values with the given entries sealed over them (null removes one). */
  private sealed(
    current: Record<string, string>,
    changes: Record<string, string | null> | undefined,
  ): Record<string, string> {
    if (!changes) return current;
    const next = { ...current };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete next[key];
      else {
        if (!this.sealer) throw new McpNotConfigured();
        next[key] = this.sealer.seal(value);
      }
    }
    return next;
  }

  private async check(
    settings: McpServerSettings,
    input: CreateMcpServerInput | UpdateMcpServerInput,
  ): Promise<void> {
    const errors: FieldError[] = [];
    if (settings.transport === 'stdio') {
      if (!settings.command)
        errors.push({ field: 'command', message: 'is required for a stdio server' });
      for (const field of ['url', 'headers'] as const)
        if (input[field] !== undefined) errors.push({ field, message: 'is for http servers only' });
      if (settings.working_dir) {
        const dir = await resolveWorkingDir(settings.working_dir, this.config.MCP_WORKING_DIRS);
        if ('problem' in dir) errors.push({ field: 'working_dir', message: dir.problem });
      }
    } else {
      if (!settings.url) errors.push({ field: 'url', message: 'is required for an http server' });
      else {
        const problem = mcpUrlProblem(settings.url, this.config.MCP_ALLOW_HOSTS);
        if (problem) errors.push({ field: 'url', message: problem });
      }
      for (const field of ['command', 'args', 'working_dir', 'env'] as const)
        if (input[field] !== undefined)
          errors.push({ field, message: 'is for stdio servers only' });
    }
    if (errors.length) throw new ValidationFailed(errors);
    if (settings.transport === 'stdio') {
      const probe = await this.sandbox.probe();
      if (!probe.available) throw new McpSandboxUnavailable(probe.detail);
    }
  }
}

function stored(value: unknown): Record<string, string> {
  return (value ?? {}) as Record<string, string>;
}
