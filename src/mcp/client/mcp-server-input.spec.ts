import type { z } from 'zod';
import {
  createMcpServerSchema,
  mcpUrlProblem,
  parseInput,
  updateMcpServerSchema,
} from './mcp-server-input';

describe('MCP server input', () => {
  const fieldsOf = (body: unknown, schema: z.ZodType<unknown> = createMcpServerSchema) => {
    const parsed = parseInput(schema, body);
    return 'errors' in parsed ? parsed.errors.map((e) => e.field) : [];
  };

  it('accepts a stdio and an http server', () => {
    expect(
      fieldsOf({
        name: 'files',
        transport: 'stdio',
        command: 'node',
        args: ['server.js'],
        working_dir: '/opt/mcp/files',
        env: { TOKEN: 'x' },
        tool_overrides: { read: { risk: 'LOW', requires_approval: false } },
      }),
    ).toEqual([]);
    expect(
      fieldsOf({ name: 'web', transport: 'http', url: 'https://mcp.example.com/mcp' }),
    ).toEqual([]);
  });

  it('names every bad field, unknown ones included', () => {
    expect(
      fieldsOf({
        name: 'bad name!',
        transport: 'ftp',
        working_dir: 'relative/dir',
        env: { 'not-a-var': 'x' },
        headers: { 'bad header': 'x' },
        default_risk: 'EXTREME',
        tool_overrides: { read: { risk: 'LOW', colour: 'red' } },
        extra: 1,
      }),
    ).toEqual(
      expect.arrayContaining([
        'name',
        'transport',
        'working_dir',
        'env.not-a-var',
        'headers.bad header',
        'default_risk',
        'tool_overrides.read.colour',
        'extra',
      ]),
    );
  });

  it('refuses control characters in secrets and commands', () => {
    expect(fieldsOf({ name: 'a', transport: 'stdio', command: 'node\nrm' })).toEqual(['command']);
    expect(
      fieldsOf({
        name: 'a',
        transport: 'http',
        url: 'https://x.test',
        headers: { A: 'b\r\nC: d' },
      }),
    ).toEqual(['headers.A']);
  });

  it('refuses headers the connection sets itself, in any letter case', () => {
    expect(
      fieldsOf({
        name: 'a',
        transport: 'http',
        url: 'https://x.test',
        headers: { Host: 'internal.x.test', 'transfer-encoding': 'chunked', Authorization: 'ok' },
      }),
    ).toEqual(['headers.Host', 'headers.transfer-encoding']);
    expect(fieldsOf({ headers: { 'Mcp-Session-Id': 's' } }, updateMcpServerSchema)).toEqual([
      'headers.Mcp-Session-Id',
    ]);
  });

  it('takes a change of any one field, and null to remove a secret', () => {
    expect(fieldsOf({ env: { TOKEN: null } }, updateMcpServerSchema)).toEqual([]);
    expect(fieldsOf({ enabled: 'yes' }, updateMcpServerSchema)).toEqual(['enabled']);
  });

  it('lets a URL reach only public https hosts unless allow-listed', () => {
    expect(mcpUrlProblem('https://mcp.example.com/mcp', [])).toBeUndefined();
    expect(mcpUrlProblem('http://mcp.example.com/mcp', [])).toMatch(/https/);
    expect(mcpUrlProblem('https://127.0.0.1/mcp', [])).toMatch(/loopback/);
    expect(mcpUrlProblem('https://169.254.169.254/', [])).toMatch(/not reachable/);
    expect(mcpUrlProblem('https://[::ffff:7f00:1]/', [])).toMatch(/not reachable/);
    expect(mcpUrlProblem('https://user:pw@mcp.example.com/', [])).toMatch(/user name/);
    expect(mcpUrlProblem('https://mcp.example.com:0/mcp', [])).toMatch(/port 0/);
    expect(mcpUrlProblem('file:///etc/passwd', [])).toMatch(/https/);
    expect(mcpUrlProblem('http://127.0.0.1:8080/mcp', ['127.0.0.1'])).toBeUndefined();
  });
});
