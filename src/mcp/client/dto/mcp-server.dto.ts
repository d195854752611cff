import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  MCP_TRANSPORTS,
  type McpToolOverride,
  type McpToolSummary,
  PERMISSION_LEVELS,
  RISK_LEVELS,
} from '../mcp-server-settings';
import type { McpServerRow } from '../mcp-server.repository';
import { mcpToolName } from '../mcp-tool-naming';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const OVERRIDES =
  'Per tool, by the name the server gives it: {"permission": …, "risk": …, "requires_approval": …}; ' +
  'what is not given comes from the defaults.';
const ENV =
  'Variables the command gets (and nothing else of the host); values are sealed and never ' +
  'shown again. On a change, an entry set to null removes it and entries not named stay.';
const HEADERS =
  'Headers sent with every request (e.g. Authorization); values are sealed and never shown ' +
  'again. On a change, an entry set to null removes it and entries not named stay.';

/** The body of POST /mcp/servers (documentation; the service validates it). */
export class CreateMcpServerDto {
  @ApiProperty({ example: 'files', pattern: '^[A-Za-z0-9_-]{1,40}$' }) name!: string;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 }) description?: string;
  @ApiProperty({ enum: MCP_TRANSPORTS }) transport!: string;
  @ApiPropertyOptional({
    example: 'node',
    description: 'stdio: the program, run inside the sandbox (no network, read-only files)',
  })
  command?: string;
  @ApiPropertyOptional({ type: [String], example: ['server.js'] }) args?: string[];
  @ApiPropertyOptional({
    example: '/opt/mcp/files',
    description:
      "stdio: the server's directory, mounted read-only as the working directory; it must lie inside a directory the operator opened (MCP_WORKING_DIRS)",
  })
  working_dir?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: ENV,
  })
  env?: Record<string, string | null>;
  @ApiPropertyOptional({
    example: 'https://mcp.example.com/mcp',
    description: 'http: the Streamable HTTP endpoint; https unless the host is in MCP_ALLOW_HOSTS',
  })
  url?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: HEADERS,
  })
  headers?: Record<string, string | null>;
  @ApiPropertyOptional({ enum: PERMISSION_LEVELS, default: 'EXECUTE' })
  default_permission?: string;
  @ApiPropertyOptional({ enum: RISK_LEVELS, default: 'HIGH' }) default_risk?: string;
  @ApiPropertyOptional({ default: true }) default_requires_approval?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: OVERRIDES })
  tool_overrides?: Record<string, McpToolOverride>;
  @ApiPropertyOptional({ default: true }) enabled?: boolean;
}

/** The body of PATCH /mcp/servers/{id}: any of the creation fields. */
export class UpdateMcpServerDto extends PartialType(CreateMcpServerDto) {}

export class McpServerToolDto {
  @ApiProperty({ example: 'read_file', description: 'The name the server gives it' })
  name!: string;
  @ApiProperty({ example: 'mcp__files__read_file', description: 'Its name in the tool registry' })
  tool!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'The server marks it read-only (no side effects)' })
  read_only!: boolean;
}

export class McpServerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: MCP_TRANSPORTS }) transport!: string;
  @ApiProperty({ nullable: true, type: String }) command!: string | null;
  @ApiProperty({ type: [String] }) args!: string[];
  @ApiProperty({ nullable: true, type: String }) working_dir!: string | null;
  @ApiProperty({ type: [String], description: 'The names of the env entries (never values)' })
  env_names!: string[];
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiProperty({ type: [String], description: 'The names of the headers (never values)' })
  header_names!: string[];
  @ApiProperty({ enum: PERMISSION_LEVELS }) default_permission!: string;
  @ApiProperty({ enum: RISK_LEVELS }) default_risk!: string;
  @ApiProperty() default_requires_approval!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: OVERRIDES })
  tool_overrides!: Record<string, McpToolOverride>;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) created_by!: string | null;
  @ApiProperty({ enum: ['UNKNOWN', 'CONNECTED', 'FAILED'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last connection failed' })
  error!: string | null;
  @ApiProperty({ type: [McpServerToolDto], description: 'As the last connection listed them' })
  tools!: McpServerToolDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) checked_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;

  static from(r: McpServerRow): McpServerDto {
    const tools = (r.last_tools ?? []) as unknown as McpToolSummary[];
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      transport: r.transport,
      command: r.command,
      args: r.args,
      working_dir: r.working_dir,
      env_names: Object.keys((r.sealed_env ?? {}) as object).sort(),
      url: r.url,
      header_names: Object.keys((r.sealed_headers ?? {}) as object).sort(),
      default_permission: r.default_permission,
      default_risk: r.default_risk,
      default_requires_approval: r.default_requires_approval,
      tool_overrides: (r.tool_overrides ?? {}) as Record<string, McpToolOverride>,
      enabled: r.enabled,
      created_by: r.created_by,
      status: r.last_status,
      error: r.last_error,
      tools: tools.map((t) => ({ ...t, tool: mcpToolName(r.name, t.name) })),
      checked_at: iso(r.last_checked_at),
      created_at: iso(r.created_at)!,
      updated_at: iso(r.updated_at)!,
    };
  }
}

export class McpServerListDto {
  @ApiProperty({ type: [McpServerDto] }) items!: McpServerDto[];
}
