import type {
  JobPlacement,
  WorkerEntry,
  WorkerRegistryStore,
  WorkerSnapshot,
} from './worker-entry';

/** The embedded mode: one process, so the registry is that process's own entry, in memory. */
export class InMemoryWorkerStore implements WorkerRegistryStore {
  private readonly entries = new Map<string, WorkerEntry & { drain: boolean }>();
  private readonly handlers: Array<(id: string) => void> = [];

  constructor(private readonly clock: () => number = Date.now) {}

  async beat(entry: Omit<WorkerEntry, 'heartbeat_at'>): Promise<{ drain: boolean }> {
    const drain = this.entries.get(entry.id)?.drain ?? false;
    this.entries.set(entry.id, { ...entry, heartbeat_at: this.clock(), drain });
    return { drain };
  }

  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async list(forgetAfterMs: number): Promise<WorkerSnapshot> {
    const now = this.clock();
    for (const [id, entry] of this.entries)
      if (now - entry.heartbeat_at > forgetAfterMs) this.entries.delete(id);
    const entries = [...this.entries.values()].map(({ drain, ...entry }) => ({
      ...entry,
      draining: entry.draining || drain,
    }));
    return { now, entries };
  }

  async requestDrain(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.drain = true;
    for (const handler of this.handlers) setImmediate(() => handler(id));
    return true;
  }

  onDrainRequest(handler: (id: string) => void): void {
    this.handlers.push(handler);
  }

  private readonly turns = new Map<string, number>();
  private readonly knownLanes = new Set<string>();
  private readonly placements = new Map<string, JobPlacement>();

  async nextTurn(name: string): Promise<number> {
    const turn = (this.turns.get(name) ?? 0) + 1;
    this.turns.set(name, turn);
    return turn;
  }

  async rememberPlacement(goalId: string, placement: JobPlacement): Promise<void> {
    this.placements.set(goalId, placement);
  }

  async placementOf(goalId: string): Promise<JobPlacement | undefined> {
    return this.placements.get(goalId);
  }

  async rememberLane(lane: string): Promise<void> {
    this.knownLanes.add(lane);
  }

  async lanes(): Promise<string[]> {
    return [...this.knownLanes];
  }

  async forgetLane(lane: string): Promise<void> {
    this.knownLanes.delete(lane);
  }

  async close(): Promise<void> {}
}
