import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TENANT_ID } from '../../common/request-context';
import { startInProcessApp, type InProcessApp } from '../../testing/in-process-app';
import { ToolRegistry } from '../../tools/tool-registry.service';
import type { ToolContext } from '../../tools/tool';
import type { SealedBox } from '#common';
import { McpClientModule } from './mcp-client.module';
import { MCP_SECRET_SEALER } from './mcp-secret-sealer.provider';
import { McpServerRepository, type McpServerRow } from './mcp-server.repository';
import type { McpServerSettings } from './mcp-server-settings';
import { McpServers } from './mcp-servers.service';

const ROOT = join(__dirname, '..', '..', '..');
const context: ToolContext = {
  tenantId: DEFAULT_TENANT_ID,
  goalId: 'g',
  taskId: 't',
  workspaceDir: '/nonexistent',
};

/**
 * What another process sees: a server's settings changed behind this process's back (a
 * row written, no call into this process) reach its tools within MCP_CONFIG_CACHE_MS.
 */
describe('MCP tools after a change made elsewhere', () => {
  let inProcess: InProcessApp;

  beforeAll(async () => {
    if (!existsSync('/usr/bin/bwrap'))
      throw new Error(
        'bubblewrap is missing (/usr/bin/bwrap): stdio MCP servers run only inside it. Install it with scripts/install-system-deps.sh.',
      );
    inProcess = await startInProcessApp(
      { MCP_CONFIG_CACHE_MS: '100', MCP_WORKING_DIRS: ROOT },
      { imports: [McpClientModule] },
    );
  });
  afterAll(async () => {
    await inProcess?.close();
  });

  it('reconnects with the new settings and drops a server disabled elsewhere', async () => {
    const servers = inProcess.app.get(McpServers);
    const registry = inProcess.app.get(ToolRegistry);
    const rows = inProcess.app.get(McpServerRepository);
    const created = await servers.create(DEFAULT_TENANT_ID, null, {
      name: 'local',
      transport: 'stdio',
      command: 'node',
      args: ['test/fixtures/mcp/shout-server.js'],
      working_dir: ROOT,
      env: { GREETING: 'first' },
      default_risk: 'LOW',
    });
    await registry.prepare(DEFAULT_TENANT_ID);
    const whoami = registry.get('mcp__local__whoami', DEFAULT_TENANT_ID)!;
    expect(whoami).toMatchObject({ risk: 'LOW', requiresApproval: true, hasSideEffects: false });
    expect(JSON.parse(((await whoami.run({}, context)) as { text: string }).text)).toMatchObject({
      greeting: 'first',
    });

    // another process seals a new value and raises the risk: only the row changes here
    const box = inProcess.app.get<symbol, SealedBox>(MCP_SECRET_SEALER);
    const current = (await rows.byId(DEFAULT_TENANT_ID, created.id))!;
    await rows.update(DEFAULT_TENANT_ID, created.id, {
      ...settingsOf(current),
      sealed_env: { GREETING: box.seal('second') },
      default_risk: 'HIGH',
    });
    await new Promise((r) => setTimeout(r, 150));
    await registry.prepare(DEFAULT_TENANT_ID);
    const changed = registry.get('mcp__local__whoami', DEFAULT_TENANT_ID)!;
    expect(changed.risk).toBe('HIGH');
    expect(JSON.parse(((await changed.run({}, context)) as { text: string }).text)).toMatchObject({
      greeting: 'second',
    });

    await rows.update(DEFAULT_TENANT_ID, created.id, {
      ...settingsOf(current),
      enabled: false,
    });
    await new Promise((r) => setTimeout(r, 150));
    await registry.prepare(DEFAULT_TENANT_ID);
    expect(registry.get('mcp__local__whoami', DEFAULT_TENANT_ID)).toBeUndefined();
  }, 60_000);
});

function settingsOf(row: McpServerRow): McpServerSettings {
  return {
    name: row.name,
    description: row.description,
    transport: 'stdio',
    command: row.command,
    args: row.args,
    working_dir: row.working_dir,
    sealed_env: row.sealed_env as Record<string, string>,
    url: row.url,
    sealed_headers: row.sealed_headers as Record<string, string>,
    default_permission: 'EXECUTE',
    default_risk: 'LOW',
    default_requires_approval: row.default_requires_approval,
    tool_overrides: {},
    enabled: row.enabled,
  };
}
