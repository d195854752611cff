import type { AppConfig } from '../../config/app-config';
import type { JobQueue } from '../../queue/job-queue';
import type { WorkerRegistryStore } from '../worker-entry';
import type { WorkerRegistry, WorkerView } from '../worker-registry.service';
import { LaneRehomer } from './lane-rehomer';

/** What one pass does with the own lanes of live, offline and gone workers. */
describe('LaneRehomer', () => {
  const queueWith = (waiting: Record<string, number>, taken: Record<string, number>) =>
    ({
      moveWaiting: jest.fn(async (lane: string) => waiting[lane] ?? 0),
      dropAbandonedIn: jest.fn(async (lane: string) => taken[lane] ?? 0),
    }) as unknown as JobQueue & { moveWaiting: jest.Mock; dropAbandonedIn: jest.Mock };

  function setup(waiting: Record<string, number>, taken: Record<string, number>) {
    const store = {
      lanes: jest.fn(async () => ['w.live', 'w.offline', 'w.gone']),
      forgetLane: jest.fn(async () => undefined),
    } as unknown as WorkerRegistryStore & { forgetLane: jest.Mock };
    const workers: Array<Pick<WorkerView, 'id' | 'status'>> = [
      { id: 'live', status: 'BUSY' },
      { id: 'offline', status: 'OFFLINE' },
    ];
    const registry = { list: jest.fn(async () => workers) } as unknown as WorkerRegistry;
    const goals = queueWith(waiting, taken);
    const tasks = queueWith({}, taken);
    const rehomer = new LaneRehomer({} as AppConfig, store, goals, tasks, registry);
    return { rehomer, store, goals, tasks };
  }

  it('moves the waiting jobs of workers that are not live, and leaves a live one alone', async () => {
    const { rehomer, goals, tasks, store } = setup({ 'w.offline': 2, 'w.gone': 1 }, {});
    expect(await rehomer.rehome()).toBe(3);
    expect(goals.moveWaiting.mock.calls.map(([lane]) => lane)).toEqual(['w.offline', 'w.gone']);
    expect(tasks.moveWaiting.mock.calls.map(([lane]) => lane)).toEqual(['w.offline', 'w.gone']);
    // nothing is removed or forgotten while jobs still move out of a lane
    expect(goals.dropAbandonedIn).not.toHaveBeenCalled();
    expect(store.forgetLane).not.toHaveBeenCalled();
  });

  it('removes what a gone worker had taken and forgets its lane; an OFFLINE one keeps both', async () => {
    const { rehomer, goals, tasks, store } = setup({}, { 'w.gone': 1, 'w.offline': 5 });
    expect(await rehomer.rehome()).toBe(0);
    expect(goals.dropAbandonedIn.mock.calls).toEqual([['w.gone']]);
    expect(tasks.dropAbandonedIn.mock.calls).toEqual([['w.gone']]);
    expect(store.forgetLane.mock.calls).toEqual([['w.gone']]);
  });
});
