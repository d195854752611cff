import { z } from 'zod';
import { Semaphore } from '#common';
import { normalizeForFingerprint } from './ledger-policy';

export const AGGREGATIONS = ['merge', 'vote'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const SwarmPlanSchema = z.object({
  units: z
    .array(
      z.object({
        key: z.string().min(1).max(60),
        instruction: z.string().min(1).max(4000),
      }),
    )
    .max(200),
  aggregation: z.enum(AGGREGATIONS).default('merge'),
});
export type SwarmPlan = z.infer<typeof SwarmPlanSchema>;
export type SwarmUnit = SwarmPlan['units'][number];

/**
 * Offline division of a task: list items or sentences of its description become units;
 * a description that does not divide is one unit.
 */
export function divideOffline(description: string, maxUnits: number): SwarmPlan {
  const lines = description
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter(Boolean);
  const parts =
    lines.length > 1
      ? lines
      : description
          .split(/(?<=[.!?])\s+/)
          .map((s) => s.trim())
          .filter(Boolean);
  const units = (parts.length ? parts : [description.trim() || 'do the task'])
    .slice(0, maxUnits)
    .map((instruction, i) => ({ key: `u${i + 1}`, instruction }));
  return { units, aggregation: 'merge' };
}

export interface UnitResult {
  key: string;
  ok: boolean;
  text?: string;
  error?: string;
  durationMs: number;
}

/**
 * Units start in waves of this many with a turn of the event loop between waves, so each
 * wave's requests are on the wire before the next wave is prepared. Started all at once,
 * every request leaves at the end of the preparation and every answer arrives together,
 * to queue behind the others on one event loop; in waves, the answers return spread out.
 */
const DISPATCH_WAVE = 10;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs every unit with at most `concurrency` in flight; never rejects (failures are results). */
export async function runUnits(
  units: readonly SwarmUnit[],
  concurrency: number,
  work: (unit: SwarmUnit) => Promise<string>,
): Promise<{ results: UnitResult[]; wallMs: number }> {
  const semaphore = new Semaphore(Math.max(1, concurrency));
  const started = performance.now();
  const pending: Array<Promise<UnitResult>> = [];
  for (const [index, unit] of units.entries()) {
    if (index > 0 && index % DISPATCH_WAVE === 0) await nextTurn();
    pending.push(
      semaphore.run(async (): Promise<UnitResult> => {
        const t0 = performance.now();
        try {
          const text = await work(unit);
          return { key: unit.key, ok: true, text, durationMs: performance.now() - t0 };
        } catch (error) {
          return {
            key: unit.key,
            ok: false,
            error: (error as Error).message,
            durationMs: performance.now() - t0,
          };
        }
      }),
    );
  }
  const results = await Promise.all(pending);
  return { results, wallMs: performance.now() - started };
}

export interface Aggregate {
  text: string;
  aggregation: Aggregation;
  succeeded: number;
  failed: number;
  duplicatesRemoved: number;
  votes?: Record<string, number>;
}

/**
 * Combines worker results. merge: distinct results in unit order (duplicates, compared
 * normalized, dropped). vote: the most frequent normalized answer wins (first seen on ties).
 */
export function aggregate(results: readonly UnitResult[], aggregation: Aggregation): Aggregate {
  const ok = results.filter((r) => r.ok && r.text !== undefined && r.text.trim());
  const failed = results.length - ok.length;
  if (aggregation === 'vote') {
    const counts = new Map<string, { count: number; text: string }>();
    for (const r of ok) {
      const k = normalizeForFingerprint(r.text!);
      const entry = counts.get(k) ?? { count: 0, text: r.text!.trim() };
      entry.count++;
      counts.set(k, entry);
    }
    let best: { count: number; text: string } | undefined;
    for (const entry of counts.values()) if (!best || entry.count > best.count) best = entry;
    return {
      text: best?.text ?? '',
      aggregation,
      succeeded: ok.length,
      failed,
      duplicatesRemoved: 0,
      votes: Object.fromEntries([...counts.values()].map((e) => [e.text.slice(0, 200), e.count])),
    };
  }
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const r of ok) {
    const k = normalizeForFingerprint(r.text!);
    if (seen.has(k)) continue;
    seen.add(k);
    kept.push(`[${r.key}] ${r.text!.trim()}`);
  }
  return {
    text: kept.join('\n'),
    aggregation,
    succeeded: ok.length,
    failed,
    duplicatesRemoved: ok.length - kept.length,
  };
}
