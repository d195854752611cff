import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DomainError } from '#common';
import type { AccessContext } from '../../../access/access-context';
import { evaluateAccess } from '../../../auth/access-policy';
import { currentContext } from '../../../common/request-context';
import { logFor } from '../../../observability/logger';

const log = logFor('McpServer');

/** A tool's answer: the structured result, and the same as JSON text for clients that read only text. */
export function structuredResult(value: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: value,
  };
}

export function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * Runs a tool's work for the caller the access guard authenticated: the permission (and,
 * for API keys and OAuth tokens, its scope) is checked by the same policy as the REST
 * route's, so a caller refused there is refused here, as a tool error naming the
 * permission. Domain errors (not found, conflicts, quotas) become tool errors with their
 * title and detail; anything else is logged and answered without its message, which may
 * hold SQL or internals.
 */
export async function runAsCaller(
  access: AccessContext,
  permission: string,
  work: () => Promise<Record<string, unknown>>,
): Promise<CallToolResult> {
  const decision = evaluateAccess({ permission }, access);
  if (!decision.allowed)
    return toolError(`Permission denied: this tool needs ${permission}. ${decision.detail}`);
  try {
    return structuredResult(await work());
  } catch (error) {
    if (error instanceof DomainError) return toolError(`${error.title}: ${error.message}`);
    const requestId = currentContext()?.requestId;
    log.error('MCP tool failed', { error: (error as Error).message, requestId });
    return toolError(`Internal error${requestId ? ` (request ${requestId})` : ''}.`);
  }
}
