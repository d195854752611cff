import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from '../../tools/tool';
import type { McpServerRow } from './mcp-server.repository';
import { productTool } from './mcp-tool.factory';

const context: ToolContext = { tenantId: 't', goalId: 'g', taskId: 'k', workspaceDir: '/x' };

function server(overrides: Partial<McpServerRow> = {}): McpServerRow {
  return {
    id: 's1',
    tenant_id: 't',
    name: 'files',
    default_permission: 'EXECUTE',
    default_risk: 'HIGH',
    default_requires_approval: true,
    tool_overrides: {},
    ...overrides,
  } as McpServerRow;
}

const read: McpTool = {
  name: 'read',
  description: 'Reads a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  annotations: { readOnlyHint: true },
};
const write: McpTool = { name: 'write', inputSchema: { type: 'object' } };

describe('productTool', () => {
  const answering = (result: CallToolResult) => async (): Promise<CallToolResult> => result;

  it("takes the server's defaults: EXECUTE, HIGH, approval; side effects unless read-only", () => {
    const tool = productTool(server(), write, 'mcp__files__write', answering({ content: [] }));
    expect(tool).toMatchObject({
      permission: 'EXECUTE',
      risk: 'HIGH',
      requiresApproval: true,
      hasSideEffects: true,
    });
    expect(productTool(server(), read, 'n', answering({ content: [] })).hasSideEffects).toBe(false);
  });

  it("applies the administrator's override of one tool", () => {
    const tool = productTool(
      server({ tool_overrides: { read: { risk: 'LOW', requires_approval: false } } }),
      read,
      'mcp__files__read',
      answering({ content: [] }),
    );
    expect(tool).toMatchObject({ permission: 'EXECUTE', risk: 'LOW', requiresApproval: false });
    expect(tool.description).toBe('Reads a file (tool read of MCP server files)');
  });

  it('checks arguments against the input schema', () => {
    const tool = productTool(server(), read, 'n', answering({ content: [] }));
    expect(tool.parameters.safeParse({ path: 'a' }).success).toBe(true);
    expect(tool.parameters.safeParse({ path: 1 }).success).toBe(false);
  });

  it("answers the result's text, and fails the call on an error result", async () => {
    const ok = productTool(
      server(),
      read,
      'mcp__files__read',
      answering({ content: [{ type: 'text', text: 'hello' }], structuredContent: { n: 1 } }),
    );
    await expect(ok.run({ path: 'a' }, context)).resolves.toEqual({
      text: 'hello',
      structured: { n: 1 },
    });
    const failing = productTool(
      server(),
      read,
      'mcp__files__read',
      answering({ isError: true, content: [{ type: 'text', text: 'no such file' }] }),
    );
    await expect(failing.run({ path: 'a' }, context)).rejects.toThrow(
      'mcp__files__read failed: no such file',
    );
  });
});
