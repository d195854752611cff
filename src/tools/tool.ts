import type { EntityManager } from 'typeorm';
import type { z } from 'zod';

export type PermissionLevel = 'READ_ONLY' | 'READ_WRITE' | 'EXECUTE' | 'ADMIN';
export type RiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface ToolContext {
  tenantId: string;
  goalId: string;
  taskId: string;
  /** Set only for tools whose effects live in this database: the journal's transaction. */
  manager?: EntityManager;
  /** Passed downstream by tools with external effects (e.g. an Idempotency-Key header). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** The goal's workspace directory on the host (DATA_DIR/workspaces/<tenant>/<goal>). */
  workspaceDir: string;
  /**
   * Counts bytes about to be stored against the tenant's storage quota (in the journal's
   * transaction when there is one); throws the quota's refusal when they do not fit.
   */
  useStorage?: (bytes: number) => Promise<void>;
}

/**
 * A tool an agent may call. Side-effecting tools run under an idempotency key: their
 * result is journaled so a resumed or retried step never acts twice.
 */
export interface Tool<A = unknown> {
  name: string;
  description: string;
  parameters: z.ZodType<A>;
  permission: PermissionLevel;
  risk: RiskLevel;
  requiresApproval: boolean;
  hasSideEffects: boolean;
  /**
   * Effects written to this database run inside the effect journal's transaction
   * (exactly once). Other tools run outside any transaction.
   */
  effectsInDatabase?: boolean;
  run(args: A, context: ToolContext): Promise<unknown>;
}
