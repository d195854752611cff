import { z } from 'zod';
import {
  HOOK_POINTS,
  HOOK_PRIORITIES,
  type HookPoint,
  type HookPriority,
} from '../plugin-contract/plugin-contract';

/**
 * What a handler may replace with `modify`, per hook point; a patch naming anything else,
 * or of the wrong shape, is a failure of the handler. Points not listed are read-only.
 */
const MODIFIABLE: Partial<Record<HookPoint, z.ZodType>> = {
  'goal.before_create': z
    .object({
      text: z.string().trim().min(1).max(1_000_000),
      metadata: z.record(z.string(), z.unknown()),
    })
    .partial()
    .strict(),
  'task.before_execute': z
    .object({ title: z.string().min(1), description: z.string() })
    .partial()
    .strict(),
  'tool.before_call': z.object({ args: z.record(z.string(), z.unknown()) }).strict(),
  'llm.before_call': z
    .object({
      messages: z
        .array(
          z.object({
            role: z.enum(['system', 'user', 'assistant', 'tool']),
            content: z.string(),
          }),
        )
        .min(1),
    })
    .strict(),
};

export function isModifiable(point: HookPoint): boolean {
  return MODIFIABLE[point] !== undefined;
}

/** The patch if the point allows it, or an explanation of why not. */
export function checkPatch(
  point: HookPoint,
  patch: unknown,
): { ok: true; patch: Record<string, unknown> } | { ok: false; reason: string } {
  const schema = MODIFIABLE[point];
  if (!schema) return { ok: false, reason: `${point} cannot be modified` };
  const parsed = schema.safeParse(patch);
  if (!parsed.success)
    return { ok: false, reason: `invalid patch for ${point}: ${z.prettifyError(parsed.error)}` };
  return { ok: true, patch: parsed.data as Record<string, unknown> };
}

export function isHookPoint(value: unknown): value is HookPoint {
  return (
    typeof value === 'string' &&
    ((HOOK_POINTS as readonly string[]).includes(value) || /^event\.[a-z_.]{1,64}$/.test(value))
  );
}

export function priorityRank(priority: HookPriority | undefined): number {
  const name = priority ?? 'NORMAL';
  if (!Object.hasOwn(HOOK_PRIORITIES, name)) throw new Error(`unknown hook priority ${name}`);
  return HOOK_PRIORITIES[name];
}
