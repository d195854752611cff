import { Conflict, DomainError } from '#common';

export class McpNotConfigured extends DomainError {
  constructor() {
    super(
      503,
      'mcp-not-configured',
      'MCP server secrets cannot be stored',
      'Set MCP_ENCRYPTION_KEY to give MCP servers env values or headers.',
    );
  }
}

/** A server could not be reached or answered with a protocol error. */
export class McpServerUnavailable extends Error {
  constructor(server: string, detail: string) {
    super(`MCP server ${server} is unavailable: ${detail}`);
    this.name = 'McpServerUnavailable';
  }
}

export class McpServerNameTaken extends Conflict {
  constructor(name: string) {
    super(
      'mcp-server-name-taken',
      'MCP server name taken',
      `This tenant already has an MCP server named ${name}.`,
      { name },
    );
  }
}

export class McpSandboxUnavailable extends DomainError {
  constructor(detail: string) {
    super(
      503,
      'mcp-sandbox-unavailable',
      'stdio MCP servers cannot run here',
      `stdio servers run only inside the bubblewrap sandbox, which is not available (${detail}). Install bubblewrap (scripts/install-system-deps.sh) and restart, or use an HTTP server.`,
    );
  }
}

/** A stored working directory that is no longer open to stdio servers: the server is not started. */
export class McpWorkingDirRefused extends Error {
  constructor(path: string, problem: string) {
    super(`working_dir ${path} ${problem}`);
    this.name = 'McpWorkingDirRefused';
  }
}
