import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessContext } from '../../../access/access-context';
import type { MemoryService } from '../../../memory/memory.service';
import { runAsCaller } from './tool-results';

/** `memory_search`: similarity search over the tenant's memories (GET /api/v1/memory/search). */
export function registerMemorySearch(
  server: McpServer,
  access: AccessContext,
  memory: MemoryService,
): void {
  server.registerTool(
    'memory_search',
    {
      title: 'Search memory',
      description:
        'Searches what the agents remember (facts, lessons, procedures) by similarity to the query, most similar first.',
      inputSchema: {
        query: z.string().min(1).max(4000),
        limit: z.number().int().min(1).max(100).default(10),
      },
      outputSchema: {
        memories: z.array(
          z.looseObject({
            id: z.string(),
            type: z.string(),
            content: z.string(),
            similarity: z.number(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, limit }) =>
      runAsCaller(access, 'memory:read', async () => {
        const hits = await memory.search(access.tenantId, query, { k: limit });
        return {
          memories: hits.map((hit) => ({
            id: hit.memory.id,
            type: hit.memory.type,
            title: hit.memory.title,
            content: hit.memory.content,
            similarity: hit.similarity,
            created_at: hit.memory.created_at,
          })),
        };
      }),
  );
}
