import { z } from 'zod';

export const COMPLEXITIES = ['TRIVIAL', 'SIMPLE', 'MODERATE', 'COMPLEX', 'STRATEGIC'] as const;
export const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
export type Risk = (typeof RISKS)[number];

export const IntentSchema = z.object({
  objective: z.string().min(1).max(2000),
  capabilities: z.array(z.string().min(1).max(60)).max(20),
  complexity: z.enum(COMPLEXITIES),
  risk: z.enum(RISKS),
});
export type Intent = z.infer<typeof IntentSchema> & { provider: string };

export const PlannedTaskSchema = z.object({
  /** Any string: keys are tidied by normalizeTaskKeys, dependencies follow them. */
  key: z.string(),
  title: z.string().min(1).max(200),
  description: z.string().min(1).max(4000),
  depends_on: z.array(z.string()).default([]),
  capabilities: z.array(z.string().max(60)).default([]),
  acceptance_criteria: z.string().max(2000).optional(),
});
export type PlannedTask = z.output<typeof PlannedTaskSchema>;

export const PlanSchema = z
  .object({ tasks: z.array(PlannedTaskSchema).min(1).max(100) })
  .transform((plan) => ({ tasks: normalizeTaskKeys(plan.tasks) }))
  .superRefine((plan, ctx) => {
    const problem = findPlanProblem(plan.tasks);
    if (problem) ctx.addIssue({ code: 'custom', path: ['tasks'], message: problem });
  });
export type Plan = z.infer<typeof PlanSchema> & { provider: string; reused?: boolean };

export const CriticVerdictSchema = z.object({
  passed: z.boolean(),
  score: z.number().min(0).max(1),
  feedback: z.string().max(4000),
  failed_tasks: z.array(z.string()).default([]),
});
export type CriticVerdict = z.infer<typeof CriticVerdictSchema> & { provider: string };

const MAX_KEY_LENGTH = 80;

/**
 * Task keys as a model may write them (blank, padded, very long, any characters) made
 * usable: trimmed and shortened; a blank key, or one that would then clash, becomes
 * `task-<n>`. Dependencies are rewritten to match, by exact key first, then trimmed.
 * Keys the model repeated stay as they are, for findPlanProblem to send back.
 */
export function normalizeTaskKeys<T extends { key: string; depends_on: string[] }>(
  tasks: T[],
): T[] {
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.key, (counts.get(t.key) ?? 0) + 1);
  const exact = new Map<string, string>();
  const trimmed = new Map<string, string>();
  const taken = new Set(tasks.map((t) => t.key));
  const keys = tasks.map((t, i) => {
    if ((counts.get(t.key) ?? 0) > 1) return t.key;
    const tidy = t.key.trim().slice(0, MAX_KEY_LENGTH);
    let key = tidy;
    if (tidy !== t.key && (!tidy || taken.has(tidy))) key = '';
    if (!key) {
      let n = i + 1;
      while (taken.has(`task-${n}`)) n++;
      key = `task-${n}`;
    }
    taken.add(key);
    exact.set(t.key, key);
    if (!trimmed.has(t.key.trim())) trimmed.set(t.key.trim(), key);
    return key;
  });
  return tasks.map((t, i) => ({
    ...t,
    key: keys[i],
    depends_on: t.depends_on.map((d) => exact.get(d) ?? trimmed.get(d.trim()) ?? d),
  }));
}

/** Duplicate keys, unknown dependencies and cycles make a plan unusable. */
export function findPlanProblem(
  tasks: Array<{ key: string; depends_on: string[] }>,
): string | undefined {
  const keys = new Set<string>();
  for (const t of tasks) {
    if (keys.has(t.key)) return `duplicate task key ${t.key}`;
    keys.add(t.key);
  }
  for (const t of tasks) {
    for (const d of t.depends_on) {
      if (!keys.has(d)) return `task ${t.key} depends on unknown task ${d}`;
      if (d === t.key) return `task ${t.key} depends on itself`;
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const visit = (key: string): boolean => {
    if (state.get(key) === 'done') return false;
    if (state.get(key) === 'visiting') return true;
    state.set(key, 'visiting');
    for (const d of byKey.get(key)!.depends_on) if (visit(d)) return true;
    state.set(key, 'done');
    return false;
  };
  for (const t of tasks) if (visit(t.key)) return `the dependencies form a cycle through ${t.key}`;
  return undefined;
}

/** Length of the longest dependency chain: >1 task at some depth means parallel work. */
export function hasParallelism(tasks: Array<{ key: string; depends_on: string[] }>): boolean {
  const depth = new Map<string, number>();
  const byKey = new Map(tasks.map((t) => [t.key, t]));
  const depthOf = (key: string): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    const d = 1 + Math.max(0, ...byKey.get(key)!.depends_on.map(depthOf));
    depth.set(key, d);
    return d;
  };
  const counts = new Map<number, number>();
  for (const t of tasks) counts.set(depthOf(t.key), (counts.get(depthOf(t.key)) ?? 0) + 1);
  return [...counts.values()].some((c) => c > 1);
}
