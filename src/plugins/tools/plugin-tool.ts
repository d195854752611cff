import { z } from 'zod';
import type { Tool, ToolContext } from '../../tools/tool';
import type {
  PluginToolContext,
  PluginToolDefinition,
} from '../../plugin-contract/plugin-contract';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const PERMISSIONS = ['READ_ONLY', 'READ_WRITE', 'EXECUTE', 'ADMIN'] as const;
const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export interface PluginToolOutcomes {
  succeeded(): void;
  failed(reason: string): void;
}

/** What a plugin tool may see of a call: its tenant, goal and task, never the database. */
function pluginContext(context: ToolContext): PluginToolContext {
  return {
    tenantId: context.tenantId,
    goalId: context.goalId,
    taskId: context.taskId,
    signal: context.signal,
    workspaceDir: context.workspaceDir,
    idempotencyKey: context.idempotencyKey,
  };
}

/**
 * A plugin's tool as a product tool: its JSON Schema becomes the zod schema the executor
 * validates arguments with, so the call takes the same path as a built-in tool (argument
 * validation, safety gate, approval, journal). Throws naming the field that is wrong.
 */
export function toProductTool(
  pluginName: string,
  definition: PluginToolDefinition,
  outcomes: PluginToolOutcomes,
): Tool<Record<string, unknown>> {
  const at = `tool ${String(definition?.name)} of ${pluginName}`;
  if (typeof definition?.name !== 'string' || !TOOL_NAME.test(definition.name))
    throw new Error(`${at}: name must be 1 to 64 letters, digits, _ and -`);
  if (typeof definition.description !== 'string' || !definition.description.trim())
    throw new Error(`${at}: description is required`);
  if (!(PERMISSIONS as readonly string[]).includes(definition.permission))
    throw new Error(`${at}: permission must be one of ${PERMISSIONS.join(', ')}`);
  if (!(RISKS as readonly string[]).includes(definition.risk))
    throw new Error(`${at}: risk must be one of ${RISKS.join(', ')}`);
  if (typeof definition.run !== 'function') throw new Error(`${at}: run must be a function`);
  let parameters: z.ZodType<Record<string, unknown>>;
  try {
    parameters = z.fromJSONSchema(definition.parameters) as z.ZodType<Record<string, unknown>>;
  } catch (error) {
    throw new Error(
      `${at}: parameters is not a JSON Schema the host reads: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const run = definition.run.bind(definition);
  return {
    name: definition.name,
    description: definition.description,
    parameters,
    permission: definition.permission,
    risk: definition.risk,
    requiresApproval: definition.requiresApproval === true,
    hasSideEffects: definition.hasSideEffects === true,
    async run(args, context) {
      try {
        const result = await run(args, pluginContext(context));
        outcomes.succeeded();
        return result;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcomes.failed(reason);
        throw new Error(`${definition.name} (plugin ${pluginName}) failed: ${reason}`, {
          cause: error,
        });
      }
    },
  };
}
