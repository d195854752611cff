import { createHash } from 'node:crypto';
import { tokenize } from './embedding';

/** A stable key for "the same kind of goal": its sorted distinct content words, hashed. */
export function procedureKey(goal: string): string {
  const words = [...new Set(tokenize(goal))].sort();
  return createHash('sha256').update(words.join(' ')).digest('hex').slice(0, 24);
}
