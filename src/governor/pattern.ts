import type { Complexity } from '../planning/schemas';

export const PATTERNS = ['single', 'council', 'swarm', 'market'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** The way of working follows the goal's complexity unless the goal overrides it. */
export function patternFor(complexity: Complexity): Pattern {
  switch (complexity) {
    case 'TRIVIAL':
    case 'SIMPLE':
      return 'single';
    case 'MODERATE':
      return 'council';
    case 'COMPLEX':
      return 'swarm';
    case 'STRATEGIC':
      return 'market';
  }
}

/** Council works sequentially; the other patterns run independent tasks in parallel. */
export function isSequential(pattern: Pattern): boolean {
  return pattern === 'council';
}

/** TRIVIAL goals run without memory. */
export function usesMemory(complexity: Complexity): boolean {
  return complexity !== 'TRIVIAL';
}
