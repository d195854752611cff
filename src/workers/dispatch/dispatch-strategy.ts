/** How a job's worker is chosen when it is not left to whoever pulls it first. */
export type DispatchStrategy =
  'round_robin' | 'least_loaded' | 'weighted_random' | 'capability_match';

/** A live worker (IDLE or BUSY) as the dispatcher weighs it for one kind of job. */
export interface DispatchCandidate {
  id: string;
  capabilities: readonly string[];
  /** Jobs of this kind running on it, plus those placed on it since its last heartbeat. */
  load: number;
  /** Jobs of this kind it runs at once. */
  capacity: number;
}

/** The candidates that have every required capability, in id order (the same in every process). */
export function capableOf(
  candidates: readonly DispatchCandidate[],
  required: readonly string[],
): DispatchCandidate[] {
  return candidates
    .filter((c) => required.every((name) => c.capabilities.includes(name)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const ratio = (c: DispatchCandidate) => c.load / Math.max(1, c.capacity);
const hasRoom = (c: DispatchCandidate) => c.load < c.capacity;

/**
 * The worker for one job among `capable` (from `capableOf`), or undefined when none fits:
 * the job then waits where any capable worker pulls it.
 * - round_robin: the `turn`-th in id order (a turn count shared by all processes), busy or not;
 * - least_loaded: the lowest load for its capacity, only with room left;
 * - weighted_random: at random, weighted by free capacity (by capacity when all are full);
 * - capability_match: the closest match (fewest capabilities beyond those `routed` ones the
 *   job needs, so specialised workers stay free for specialised work), then least loaded.
 */
export function chooseWorker(
  strategy: DispatchStrategy,
  capable: readonly DispatchCandidate[],
  context: {
    turn: number;
    random: () => number;
    routed: readonly string[];
    required: readonly string[];
  },
): DispatchCandidate | undefined {
  if (!capable.length) return undefined;
  switch (strategy) {
    case 'round_robin':
      return capable[(((context.turn - 1) % capable.length) + capable.length) % capable.length];
    case 'least_loaded': {
      const open = capable.filter(hasRoom);
      return open.reduce<DispatchCandidate | undefined>(
        (best, c) => (best === undefined || ratio(c) < ratio(best) ? c : best),
        undefined,
      );
    }
    case 'weighted_random': {
      const open = capable.filter(hasRoom);
      const pool = open.length ? open : capable;
      const weights = pool.map((c) => (open.length ? c.capacity - c.load : c.capacity));
      const total = weights.reduce((sum, w) => sum + w, 0);
      let pick = context.random() * total;
      for (let i = 0; i < pool.length; i++) {
        pick -= weights[i];
        if (pick < 0) return pool[i];
      }
      return pool[pool.length - 1];
    }
    case 'capability_match': {
      const extra = (c: DispatchCandidate) =>
        c.capabilities.filter(
          (name) => context.routed.includes(name) && !context.required.includes(name),
        ).length;
      const open = capable.filter(hasRoom);
      return [...(open.length ? open : capable)].sort(
        (a, b) => extra(a) - extra(b) || ratio(a) - ratio(b),
      )[0];
    }
  }
}
