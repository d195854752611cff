import Redis from 'ioredis';
import { TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '#testing';
import { RedisWorkerStore } from '../src/workers/redis-worker-store';
import type { WorkerEntry } from '../src/workers/worker-entry';

const entry = (id: string): Omit<WorkerEntry, 'heartbeat_at'> => ({
  id,
  host: 'h',
  pid: 1,
  version: '1.0.0',
  role: 'worker',
  capabilities: ['goal_execution', 'gpu'],
  concurrency: 4,
  running: 1,
  done: 2,
  failed: 3,
  task_concurrency: 8,
  tasks_running: 2,
  tasks_done: 5,
  tasks_failed: 1,
  draining: false,
  started_at: 1000,
});

/** The worker registry's Redis keys and scripts, on a real Redis. */
describe('RedisWorkerStore (real Redis)', () => {
  const prefix = uniqueQueuePrefix();
  const store = new RedisWorkerStore(TEST_REDIS_URL, prefix);
  const redis = new Redis(TEST_REDIS_URL);

  afterAll(async () => {
    await store.close();
    await redis.quit();
  });

  it('keeps one hash per worker and a sorted set, under one hash tag, with an expiry', async () => {
    await waitFor(() => store.beat(entry('w1'), 60_000).then(() => true), {
      what: 'redis to answer',
    });
    await store.beat(entry('w2'), 60_000);
    const { now, entries } = await store.list(60_000);
    expect(entries.map((e) => e.id).sort()).toEqual(['w1', 'w2']);
    const w1 = entries.find((e) => e.id === 'w1')!;
    expect(w1).toMatchObject({ ...entry('w1'), draining: false });
    expect(Math.abs(now - w1.heartbeat_at)).toBeLessThan(1000);
    expect(await redis.zcard(`{${prefix}}:workers`)).toBe(2);
    const ttl = await redis.pttl(`{${prefix}}:workers:w1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('forgets entries whose heartbeat is too old, and ids whose hash expired', async () => {
    await store.beat(entry('old'), 60_000);
    await redis.zadd(`{${prefix}}:workers`, 1, 'old');
    await redis.zadd(`{${prefix}}:workers`, Date.now(), 'ghost');
    const { entries } = await store.list(60_000);
    expect(entries.map((e) => e.id).sort()).toEqual(['w1', 'w2']);
    expect((await redis.zrange(`{${prefix}}:workers`, 0, -1)).sort()).toEqual(['w1', 'w2']);
  });

  it('carries a drain request by pub/sub and on the entry, which the next heartbeat reads', async () => {
    const heard: string[] = [];
    store.onDrainRequest((id) => heard.push(id));
    // the subscription is made in the background
    await waitFor(async () => (await redis.pubsub('NUMSUB', `${prefix}:workers:drain`))[1] === 1, {
      what: 'the drain subscription',
    });
    expect(await store.requestDrain('nobody')).toBe(false);
    expect(await store.requestDrain('w2')).toBe(true);
    await waitFor(() => heard.includes('w2'), { what: 'the drain message' });
    expect(heard).toEqual(['w2']);
    // a process that missed the message learns it from its heartbeat
    expect(await store.beat(entry('w2'), 60_000)).toEqual({ drain: true });
    expect(await store.beat(entry('w1'), 60_000)).toEqual({ drain: false });
    const w2 = (await store.list(60_000)).entries.find((e) => e.id === 'w2')!;
    expect(w2.draining).toBe(true);
  });

  it('removes an entry', async () => {
    await store.remove('w1');
    expect((await store.list(60_000)).entries.map((e) => e.id)).toEqual(['w2']);
    expect(await redis.exists(`{${prefix}}:workers:w1`)).toBe(0);
  });

  it('keeps one round-robin turn count per name for every process, and the lanes placed on', async () => {
    const other = new RedisWorkerStore(TEST_REDIS_URL, prefix);
    try {
      await waitFor(
        () =>
          other.lanes().then(
            () => true,
            () => false,
          ),
        {
          what: 'the second store to connect',
        },
      );
      const turns = [
        await store.nextTurn('task:'),
        await other.nextTurn('task:'),
        await store.nextTurn('task:'),
        await other.nextTurn('task:gpu'),
      ];
      expect(turns).toEqual([1, 2, 3, 1]);
      await store.rememberLane('w.a');
      await other.rememberLane('w.b');
      await store.rememberLane('w.a');
      expect((await other.lanes()).sort()).toEqual(['w.a', 'w.b']);
      await other.forgetLane('w.a');
      expect(await store.lanes()).toEqual(['w.b']);
      expect(await redis.exists(`{${prefix}}:workers:lanes`)).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('fails at once while Redis is away, so the heartbeat never holds anything up', async () => {
    const away = new RedisWorkerStore('redis://127.0.0.1:1', prefix);
    try {
      const started = Date.now();
      await expect(away.beat(entry('w3'), 60_000)).rejects.toThrow();
      await expect(away.list(60_000)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await away.close();
    }
  });
});
