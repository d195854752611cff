import type { PermissionLevel, RiskLevel } from '../../tools/tool';

export const MCP_TRANSPORTS = ['stdio', 'http'] as const;
export type McpTransportKind = (typeof MCP_TRANSPORTS)[number];

export const PERMISSION_LEVELS = ['READ_ONLY', 'READ_WRITE', 'EXECUTE', 'ADMIN'] as const;
export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** How an administrator wants one of the server's tools treated. */
export interface McpToolOverride {
  permission?: PermissionLevel;
  risk?: RiskLevel;
  requires_approval?: boolean;
}

/** A tool as the last connection listed it (kept on the server's row). */
export interface McpToolSummary {
  name: string;
  description: string;
  read_only: boolean;
}

/** What is stored of a server's settings: env values and header values sealed. */
export interface McpServerSettings {
  name: string;
  description: string | null;
  transport: McpTransportKind;
  command: string | null;
  args: string[];
  working_dir: string | null;
  /** Variable name → sealed value. */
  sealed_env: Record<string, string>;
  url: string | null;
  /** Header name → sealed value. */
  sealed_headers: Record<string, string>;
  default_permission: PermissionLevel;
  default_risk: RiskLevel;
  default_requires_approval: boolean;
  tool_overrides: Record<string, McpToolOverride>;
  enabled: boolean;
}
