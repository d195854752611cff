import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { DataSource } from 'typeorm';
import { affectedBy, db, firstOf, rowsOf } from '../../database/query-builder';
import type { McpServers } from '../../database/schema.generated';
import type { StatementCatalog } from '../../database/statement-catalog';
import type { McpServerSettings, McpToolSummary } from './mcp-server-settings';

export type McpServerRow = Selectable<McpServers>;

export interface NewMcpServerRow extends McpServerSettings {
  id: string;
  tenant_id: string;
  created_by: string | null;
}

export type McpServerStatus = 'UNKNOWN' | 'CONNECTED' | 'FAILED';

/** jsonb parameters go as JSON text (the driver would send an array as a PostgreSQL array). */
const json = (value: unknown) => JSON.stringify(value);

function columnsOf(settings: McpServerSettings) {
  return {
    name: settings.name,
    description: settings.description,
    transport: settings.transport,
    command: settings.command,
    args: settings.args,
    working_dir: settings.working_dir,
    sealed_env: json(settings.sealed_env),
    url: settings.url,
    sealed_headers: json(settings.sealed_headers),
    default_permission: settings.default_permission,
    default_risk: settings.default_risk,
    default_requires_approval: settings.default_requires_approval,
    tool_overrides: json(settings.tool_overrides),
    enabled: settings.enabled,
  };
}

/** Every statement on `mcp_servers`; each takes the tenant's id. */
const statements = {
  insert: (row: NewMcpServerRow) =>
    db
      .insertInto('mcp_servers')
      .values({
        id: row.id,
        tenant_id: row.tenant_id,
        created_by: row.created_by,
        ...columnsOf(row),
      })
      .returningAll(),
  byId: (tenantId: string, id: string) =>
    db.selectFrom('mcp_servers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id),
  byName: (tenantId: string, name: string) =>
    db
      .selectFrom('mcp_servers')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name),
  list: (tenantId: string) =>
    db
      .selectFrom('mcp_servers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .limit(1000),
  /** What the tool source connects to: the tenant's enabled servers. */
  enabledOf: (tenantId: string) =>
    db
      .selectFrom('mcp_servers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('enabled', '=', true)
      .orderBy('name')
      .limit(1000),
  update: (tenantId: string, id: string, settings: McpServerSettings) =>
    db
      .updateTable('mcp_servers')
      .set({ ...columnsOf(settings), updated_at: db.fn('now') })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll(),
  delete: (tenantId: string, id: string) =>
    db.deleteFrom('mcp_servers').where('tenant_id', '=', tenantId).where('id', '=', id),
  /** What the last connection saw; `updated_at` stays, so it does not read as a new config. */
  recordStatus: (
    tenantId: string,
    id: string,
    status: McpServerStatus,
    error: string | null,
    tools: McpToolSummary[] | null,
  ) =>
    db
      .updateTable('mcp_servers')
      .set({
        last_status: status,
        last_error: error,
        ...(tools ? { last_tools: json(tools) } : {}),
        last_checked_at: db.fn('now'),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id),
};

@Injectable()
export class McpServerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewMcpServerRow): Promise<McpServerRow> {
    return (await firstOf(this.dataSource, statements.insert(row)))!;
  }

  byId(tenantId: string, id: string): Promise<McpServerRow | undefined> {
    return firstOf(this.dataSource, statements.byId(tenantId, id));
  }

  async idOfName(tenantId: string, name: string): Promise<string | undefined> {
    return (await firstOf(this.dataSource, statements.byName(tenantId, name)))?.id;
  }

  list(tenantId: string): Promise<McpServerRow[]> {
    return rowsOf(this.dataSource, statements.list(tenantId));
  }

  enabledOf(tenantId: string): Promise<McpServerRow[]> {
    return rowsOf(this.dataSource, statements.enabledOf(tenantId));
  }

  update(
    tenantId: string,
    id: string,
    settings: McpServerSettings,
  ): Promise<McpServerRow | undefined> {
    return firstOf(this.dataSource, statements.update(tenantId, id, settings));
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (await affectedBy(this.dataSource, statements.delete(tenantId, id))) > 0;
  }

  async recordStatus(
    tenantId: string,
    id: string,
    status: McpServerStatus,
    error: string | null,
    tools: McpToolSummary[] | null,
  ): Promise<void> {
    await affectedBy(this.dataSource, statements.recordStatus(tenantId, id, status, error, tools));
  }
}

export const mcpServerStatements: StatementCatalog = {
  file: 'src/mcp/client/queries/mcp-server.repository.sql',
  samples: () => {
    const tenant = '00000000-0000-0000-0000-000000000001';
    const id = '00000000-0000-0000-0000-0000000000c1';
    const settings: McpServerSettings = {
      name: 'files',
      description: null,
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
      working_dir: '/opt/mcp/files',
      sealed_env: { TOKEN: 'sealed' },
      url: null,
      sealed_headers: {},
      default_permission: 'EXECUTE',
      default_risk: 'HIGH',
      default_requires_approval: true,
      tool_overrides: { read: { permission: 'READ_ONLY', risk: 'LOW', requires_approval: false } },
      enabled: true,
    };
    return [
      {
        name: 'insert',
        statement: statements.insert({ id, tenant_id: tenant, created_by: null, ...settings }),
      },
      { name: 'byId', statement: statements.byId(tenant, id) },
      { name: 'byName', statement: statements.byName(tenant, 'files') },
      { name: 'list', statement: statements.list(tenant) },
      { name: 'enabledOf', statement: statements.enabledOf(tenant) },
      { name: 'update', statement: statements.update(tenant, id, settings) },
      { name: 'delete', statement: statements.delete(tenant, id) },
      {
        name: 'recordStatus',
        statement: statements.recordStatus(tenant, id, 'CONNECTED', null, [
          { name: 'read', description: 'Reads a file', read_only: true },
        ]),
      },
    ];
  },
};
