import type { TaskOutputDelta } from './live-output';
import { decodeRelayed, encodeRelayed } from './relayed-message';

/** A message of the live output channel: a task's output delta, or the watches of a process. */
export type LiveMessage =
  | { origin: string; kind: 'delta'; delta: TaskOutputDelta }
  | { origin: string; kind: 'watches'; keys: string[] };

export function encodeLiveDelta(origin: string, delta: TaskOutputDelta): string {
  return encodeRelayed(origin, 'delta', delta);
}

export function encodeLiveWatches(origin: string, keys: readonly string[]): string {
  return encodeRelayed(origin, 'watches', { keys });
}

/** Parses a live output message; anything not shaped like one answers null. */
export function decodeLiveMessage(raw: string): LiveMessage | null {
  const relayed = decodeRelayed(raw, 'delta');
  if (relayed) {
    const delta = deltaOf(relayed.payload);
    return delta ? { origin: relayed.origin, kind: 'delta', delta } : null;
  }
  const watches = decodeRelayed(raw, 'watches');
  const keys = watches?.payload.keys;
  if (!watches || !Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return null;
  return { origin: watches.origin, kind: 'watches', keys: keys as string[] };
}

/** The delta's fields, checked, and nothing else of the payload. */
function deltaOf(value: Record<string, unknown>): TaskOutputDelta | null {
  const { tenant_id, goal_id, task_id, task_key, turn, offset, text } = value;
  const count = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
  if (
    typeof tenant_id !== 'string' ||
    typeof goal_id !== 'string' ||
    typeof task_id !== 'string' ||
    typeof task_key !== 'string' ||
    typeof text !== 'string' ||
    !count(turn) ||
    !count(offset)
  )
    return null;
  return { tenant_id, goal_id, task_id, task_key, turn, offset, text };
}
