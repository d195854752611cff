import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { safeHttpRequest } from '#net/safe-http';

export interface McpFetchOptions {
  allowHosts: readonly string[];
  timeoutMs: number;
  maxResponseBytes: number;
}

/**
 * The fetch the Streamable HTTP transport uses: every request goes through the SSRF-safe
 * client (address checks on every connection, no redirect followed by it, bounded size
 * and time). Answers are read whole, which suits the POSTs that carry requests; the GET
 * that would hold a stream open for the server's own messages is answered 405 here, as a
 * server without that stream does, so list changes over HTTP are seen on the next refresh.
 */
export function mcpSafeFetch(options: McpFetchOptions): FetchLike {
  return async (url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'GET') return new Response(null, { status: 405 });
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string')
      throw new Error('the MCP transport sent a body that is not text');
    const response = await safeHttpRequest(
      {
        url: url.toString(),
        method,
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        body: body ?? undefined,
      },
      {
        allowHosts: options.allowHosts,
        followRedirects: false,
        maxResponseBytes: options.maxResponseBytes,
        timeoutMs: options.timeoutMs,
        signal: init?.signal ?? undefined,
        userAgent: 'AgentVillage-MCP/1.0',
      },
    );
    const empty = response.status === 204 || response.status === 304 || response.body.length === 0;
    return new Response(empty ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: response.headers,
    });
  };
}
