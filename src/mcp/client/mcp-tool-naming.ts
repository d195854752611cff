import { createHash } from 'node:crypto';

export const MCP_TOOL_PREFIX = 'mcp__';
const MAX_TOOL_NAME = 64;

const clean = (text: string) => text.replace(/[^a-zA-Z0-9_-]/g, '_');

/**
 * The product name of a server's tool: `mcp__<server>__<tool>`, every other character
 * replaced by `_`, at most 64 characters (what model APIs accept for function names). A
 * name that had to be shortened ends in a hash of the full one, so two long names that
 * share a start stay apart.
 */
export function mcpToolName(server: string, tool: string): string {
  const full = `${MCP_TOOL_PREFIX}${clean(server)}__${clean(tool)}`;
  if (full.length <= MAX_TOOL_NAME) return full;
  return withHash(full, `${server}\0${tool}`);
}

/** A distinct name for a tool whose name another tool of the tenant already took. */
export function disambiguated(name: string, server: string, tool: string): string {
  return withHash(name, `${server}\0${tool}\0again`);
}

function withHash(name: string, seed: string): string {
  const hash = createHash('sha256').update(seed).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_TOOL_NAME - hash.length - 1)}_${hash}`;
}
