import { NotFound } from '#common';
import type { AppConfig } from '../config/app-config';
import type { JobQueue } from '../queue/job-queue';
import type { SandboxProbe } from '../tools/sandbox.provider';
import { InMemoryWorkerStore } from './in-memory-worker-store';
import { WorkerIdentity } from './worker-identity';
import { WorkerLoad } from './worker-load';
import { WorkerRegistry } from './worker-registry.service';

const config = {
  PROCESS_JOBS: true,
  WORKER_CAPABILITIES: 'goal_execution,gpu',
  WORKER_HEARTBEAT_MS: 60_000,
  WORKER_OFFLINE_AFTER_MS: 1000,
  WORKER_ROUTED_CAPABILITIES: 'code,gpu',
  WORKER_TASK_CONCURRENCY: 8,
  JOB_CONCURRENCY: 4,
  llmProvider: 'offline',
  llmModel: 'heuristic',
} as AppConfig;

function setup(overrides: Partial<AppConfig> = {}) {
  let now = 1_000_000;
  const store = new InMemoryWorkerStore(() => now);
  let release!: () => void;
  const running = new Promise<void>((resolve) => (release = resolve));
  const fakeQueue = () =>
    ({
      pause: jest.fn(() => running.then(() => true)),
      consumeLanes: jest.fn(),
      moveWaiting: jest.fn(async () => 0),
    }) as unknown as JobQueue;
  const queue = fakeQueue();
  const tasks = fakeQueue();
  const sandbox = { status: async () => ({ available: true, detail: 'ok' }) } as SandboxProbe;
  const load = new WorkerLoad();
  const registry = new WorkerRegistry(
    { ...config, ...overrides },
    store,
    queue,
    tasks,
    new WorkerIdentity('worker'),
    load,
    sandbox,
  );
  return { registry, queue, tasks, load, release, tick: (ms: number) => (now += ms) };
}

describe('WorkerRegistry', () => {
  it('registers this process with its capabilities, load and counters', async () => {
    const { registry, load } = setup();
    await registry.onApplicationBootstrap();
    await load.track(async () => undefined);
    await expect(load.track(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    const [worker] = await registry.list();
    expect(worker).toMatchObject({
      id: registry.id,
      pid: process.pid,
      role: 'worker',
      status: 'IDLE',
      concurrency: 4,
      capabilities: ['goal_execution', 'gpu', 'code', 'llm:offline/heuristic'],
    });
    await registry.onApplicationShutdown();
    expect(await registry.list()).toEqual([]);
  });

  it('shows BUSY within a moment of a job starting, not at the next heartbeat', async () => {
    const { registry, load } = setup();
    await registry.onApplicationBootstrap();
    let finish!: () => void;
    const job = load.track(() => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((r) => setTimeout(r, 400));
    expect((await registry.get(registry.id)).status).toBe('BUSY');
    finish();
    await job;
    await new Promise((r) => setTimeout(r, 400));
    expect(await registry.get(registry.id)).toMatchObject({ status: 'IDLE', done: 1 });
    await registry.onApplicationShutdown();
  });

  it('shows a silent worker OFFLINE, then forgets it after ten windows', async () => {
    const { registry, tick } = setup();
    await registry.onApplicationBootstrap();
    tick(1001);
    expect((await registry.get(registry.id)).status).toBe('OFFLINE');
    await expect(registry.requestDrain(registry.id)).rejects.toMatchObject({ status: 409 });
    tick(9000);
    await expect(registry.get(registry.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('drains on request: DRAINING while its jobs finish, then leaves and tells its listeners', async () => {
    const { registry, queue, tasks, release } = setup();
    await registry.onApplicationBootstrap();
    const own = `w.${registry.id.toLowerCase()}`;
    expect(queue.consumeLanes).toHaveBeenCalledWith([own]);
    // the task lanes: its own, and one per set of the routed capabilities it has (code, gpu
    // and its model)
    const llm = 'llm_offline_heuristic';
    expect(tasks.consumeLanes).toHaveBeenCalledWith([
      own,
      'c.code',
      'c.gpu',
      'c.code+gpu',
      `c.${llm}`,
      `c.code+${llm}`,
      `c.gpu+${llm}`,
      `c.code+gpu+${llm}`,
    ]);
    const drained = jest.fn();
    registry.onDrained(drained);
    expect((await registry.requestDrain(registry.id)).status).toBe('DRAINING');
    await new Promise((r) => setImmediate(r));
    expect(queue.pause).toHaveBeenCalledTimes(1);
    expect(tasks.pause).toHaveBeenCalledTimes(1);
    // what waited in its own lane goes back to the shared one at once
    expect(queue.moveWaiting).toHaveBeenCalledWith(own);
    expect(tasks.moveWaiting).toHaveBeenCalledWith(own);
    expect((await registry.get(registry.id)).status).toBe('DRAINING');
    // asking again while it drains answers the same
    expect((await registry.requestDrain(registry.id)).status).toBe('DRAINING');
    release();
    await registry.drain('test');
    expect(drained).toHaveBeenCalledTimes(1);
    expect(queue.pause).toHaveBeenCalledTimes(1);
    await expect(registry.get(registry.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('does not register a process that runs no jobs', async () => {
    const { registry } = setup({ PROCESS_JOBS: false });
    await registry.onApplicationBootstrap();
    expect(await registry.list()).toEqual([]);
    await expect(registry.requestDrain('nobody')).rejects.toBeInstanceOf(NotFound);
  });
});
