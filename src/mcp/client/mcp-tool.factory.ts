import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { PermissionLevel, RiskLevel, Tool } from '../../tools/tool';
import type { McpServerRow } from './mcp-server.repository';
import type { McpToolOverride } from './mcp-server-settings';
import { argumentsSchema } from './mcp-tool-schema';

const MAX_DESCRIPTION = 1000;
const MAX_RESULT_TEXT = 100_000;

export type McpCaller = (
  server: McpServerRow,
  tool: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<CallToolResult>;

/**
 * A server's tool as a product tool under `name`: its arguments checked against its input
 * schema, its permission, risk and approval as the administrator set them (the tool's own
 * override, else the server's defaults), side effects unless the server marks it
 * read-only, and an error result thrown so the agent sees a failed call.
 */
export function productTool(
  server: McpServerRow,
  tool: McpTool,
  name: string,
  call: McpCaller,
): Tool<Record<string, unknown>> {
  const override = ((server.tool_overrides ?? {}) as Record<string, McpToolOverride>)[tool.name];
  const { schema } = argumentsSchema(tool.inputSchema);
  const about = tool.description?.trim() || tool.title || tool.name;
  return {
    name,
    description: `${about} (tool ${tool.name} of MCP server ${server.name})`.slice(
      0,
      MAX_DESCRIPTION,
    ),
    parameters: schema,
    permission: override?.permission ?? (server.default_permission as PermissionLevel),
    risk: override?.risk ?? (server.default_risk as RiskLevel),
    requiresApproval: override?.requires_approval ?? server.default_requires_approval,
    hasSideEffects: tool.annotations?.readOnlyHint !== true,
    async run(args, context) {
      const result = await call(server, tool.name, args, context.signal);
      const text = resultText(result);
      if (result.isError)
        throw new Error(`${name} failed: ${text || 'the server reported an error'}`);
      return result.structuredContent !== undefined
        ? { text, structured: result.structuredContent }
        : { text };
    },
  };
}

function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((item) => {
    if (item.type === 'text') return item.text;
    if (item.type === 'resource_link') return `[resource ${item.uri}]`;
    if (item.type === 'resource')
      return 'text' in item.resource ? item.resource.text : `[resource ${item.resource.uri}]`;
    return `[${item.type} ${'mimeType' in item ? item.mimeType : ''}]`.replace(' ]', ']');
  });
  return parts.join('\n').slice(0, MAX_RESULT_TEXT);
}
