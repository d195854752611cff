import { sealingBoxProvider } from '../../config/sealing-box.provider';

export const MCP_SECRET_SEALER = Symbol('MCP_SECRET_SEALER');

/**
 * What seals MCP servers' env values and headers at rest (MCP_ENCRYPTION_KEY); connecting
 * needs them in clear, so they are sealed, not hashed. Without it in production servers
 * with secrets cannot be stored (503 mcp-not-configured).
 */
export const mcpSecretSealerProvider = sealingBoxProvider(MCP_SECRET_SEALER, {
  setting: 'MCP_ENCRYPTION_KEY',
  keyFile: 'mcp.key',
  salt: 'agent-village/mcp',
  label: 'mcp/secret-sealing/v1',
});
