/**
 * The capabilities a task needs of the worker that runs it: those of its capabilities that
 * are routed (WORKER_ROUTED_CAPABILITIES, e.g. `code` for the sandbox) and any
 * `llm:<provider>/<model>` it names. Sorted, so equal needs give equal lanes.
 */
export function requiredCapabilities(
  taskCapabilities: readonly string[],
  routed: readonly string[],
): string[] {
  const needed = taskCapabilities
    .map((name) => name.trim().toLowerCase())
    .filter((name) => routed.includes(name) || name.startsWith('llm:'));
  return [...new Set(needed)].sort();
}

/** The lanes key of a set of capabilities, as `capabilityLane` gets it. */
export function capabilitySetName(required: readonly string[]): string {
  return [...required].sort().join('+');
}

/**
 * Every non-empty set of the routed capabilities a worker has (up to four of them, so at
 * most fifteen lanes): with pull dispatch a task needing some of them waits in that set's
 * lane, which every worker holding the set consumes.
 */
export function capabilitySets(
  workerCapabilities: readonly string[],
  routed: readonly string[],
): string[] {
  const held = [
    ...new Set(
      workerCapabilities.filter((name) => routed.includes(name) || name.startsWith('llm:')),
    ),
  ]
    .sort()
    .slice(0, 4);
  const sets: string[] = [];
  for (let mask = 1; mask < 1 << held.length; mask++)
    sets.push(capabilitySetName(held.filter((_, i) => mask & (1 << i))));
  return sets;
}
