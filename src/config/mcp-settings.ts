import { z } from 'zod';
import { absolutePathList, hostList, int } from './setting-types';

/** Each tenant's MCP servers as sources of tools. */
export const mcpSettings = {
  /** 32 bytes (64 hex or base64) sealing MCP servers' env values and headers at rest. */
  MCP_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Hosts on private networks, or reached over http, that HTTP servers may name (`host` or `host:port`). */
  MCP_ALLOW_HOSTS: hostList,
  /**
   * Directories a stdio server's working_dir must lie in (itself or below, symbolic links
   * resolved): it is mounted into the sandbox, so a tenant administrator must not be able
   * to name any host directory (the data directory, another tenant's files).
   */
  MCP_WORKING_DIRS: absolutePathList.default(['/opt/mcp']),
  /** How long one tool call (or listing) may take. */
  MCP_CALL_TIMEOUT_MS: int(100, 600_000).default(30_000),
  /** How long connecting and the protocol's handshake may take. */
  MCP_CONNECT_TIMEOUT_MS: int(100, 600_000).default(15_000),
  /** A connection unused this long is closed (its process ends). */
  MCP_IDLE_CLOSE_MS: int(1000, 86_400_000).default(300_000),
  /** How long a process trusts its copy of a tenant's server settings before looking again. */
  MCP_CONFIG_CACHE_MS: int(0, 3_600_000).default(5_000),
  /** The longest wait before reconnecting to a server that failed (the wait doubles from 1 s). */
  MCP_RECONNECT_MAX_MS: int(1000, 3_600_000).default(60_000),
  /** Address space of a stdio server's process (Node needs well over 512 MB of it). */
  MCP_SANDBOX_MEMORY_MB: int(64, 65_536).default(4096),
  /** CPU seconds a stdio server's process may use before it is killed (then reconnected). */
  MCP_SANDBOX_CPU_SECONDS: int(1, 86_400).default(3600),
  /** The largest answer read from an HTTP server. */
  MCP_MAX_RESPONSE_BYTES: int(1024, 100_000_000).default(4_000_000),
};
