import { createHash } from 'node:crypto';

/** One observed step of work: the action the agent proposed and/or the output it produced. */
export interface StepObservation {
  action?: unknown;
  output?: string;
}

export interface LedgerAssessment {
  fingerprint: string;
  looping: boolean;
  progressing: boolean;
  stalls: number;
  /** True once `stalls` reached the limit: the work must stop and the goal replan. */
  mustStop: boolean;
  nextInstruction: string;
  facts: string[];
}

/** Normalizes text so trivially different repeats (case, spacing) fingerprint alike. */
export function normalizeForFingerprint(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function fingerprint(observation: StepObservation): string {
  const action = observation.action === undefined ? '' : stableJson(observation.action);
  const output = observation.output ? normalizeForFingerprint(observation.output) : '';
  return createHash('sha256').update(`${action}\u0000${output}`).digest('hex').slice(0, 16);
}

/**
 * Deterministic loop and stall detection (Magentic-One's progress ledger, without asking
 * the model): a step whose fingerprint was seen before is looping; a looping step or one
 * with neither a new action nor output is a stall; `maxStalls` stalls stop the work.
 */
export class LoopDetector {
  private readonly seen = new Map<string, number>();
  private stallCount = 0;

  constructor(private readonly maxStalls: number) {}

  get stalls(): number {
    return this.stallCount;
  }

  observe(observation: StepObservation): LedgerAssessment {
    const fp = fingerprint(observation);
    const times = (this.seen.get(fp) ?? 0) + 1;
    this.seen.set(fp, times);
    const empty = observation.action === undefined && !observation.output?.trim();
    const looping = times > 1;
    const progressing = !looping && !empty;
    if (!progressing) this.stallCount++;
    const mustStop = this.stallCount >= this.maxStalls;
    const facts: string[] = [];
    if (looping) facts.push(`the same step was repeated ${times} times (fingerprint ${fp})`);
    if (empty) facts.push('the step produced neither an action nor output');
    const nextInstruction = mustStop
      ? `stop: ${this.stallCount} stalls; replan with a different approach instead of repeating ${describe(observation)}`
      : looping
        ? `do not repeat ${describe(observation)}; use its result or try something else`
        : 'continue with the next step';
    return {
      fingerprint: fp,
      looping,
      progressing,
      stalls: this.stallCount,
      mustStop,
      nextInstruction,
      facts,
    };
  }
}

function describe(observation: StepObservation): string {
  if (observation.action !== undefined)
    return `the action ${stableJson(observation.action).slice(0, 200)}`;
  return 'the same answer';
}

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** Raised when the ledger stops a task that loops or stalls; the goal replans with its facts. */
export class StallDetected extends Error {
  constructor(
    readonly taskKey: string,
    readonly assessment: LedgerAssessment,
  ) {
    super(
      `progress ledger stopped task ${taskKey}: loop detected after ${assessment.stalls} stalls (${assessment.facts.join('; ') || 'no progress'}). ${assessment.nextInstruction}`,
    );
    this.name = 'StallDetected';
  }
}
