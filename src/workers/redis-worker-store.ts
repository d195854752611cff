import Redis from 'ioredis';
import { logFor } from '../observability/logger';
import type {
  JobPlacement,
  WorkerEntry,
  WorkerRegistryStore,
  WorkerSnapshot,
} from './worker-entry';

/** The store's clock in epoch milliseconds, from Redis TIME. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: entry hash, index. ARGV: ttl ms, id, then field/value pairs. Stamps the heartbeat
 * with Redis's clock (so hosts' clocks do not matter), renews both keys' expiry and
 * answers whether a drain was requested.
 */
const BEAT = `${NOW}
redis.call('HSET', KEYS[1], 'heartbeat_at', now, unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('HGET', KEYS[1], 'drain_requested')`;

/** KEYS: index. ARGV: forget-after ms. Drops stale ids; answers the clock and the ids left. */
const LIST = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return { tostring(now), redis.call('ZRANGE', KEYS[1], 0, -1) }`;

/** KEYS: entry hash. Marks an existing entry as told to drain; 0 when there is none. */
const REQUEST_DRAIN = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'drain_requested', '1')
return 1`;

interface Scripts {
  workerBeat(entryKey: string, indexKey: string, ...args: string[]): Promise<string | null>;
  workerList(indexKey: string, forgetAfterMs: string): Promise<[string, string[]]>;
  workerRequestDrain(entryKey: string): Promise<number>;
}

/**
 * Production: one hash per process (`{<prefix>}:workers:<id>`) and a sorted set of ids by
 * heartbeat (`{<prefix>}:workers`), all under one hash tag so each script's keys share a
 * Redis Cluster slot. Every key expires unless renewed, so a dead process's entry goes
 * away even if nobody lists. Drain requests travel on `<prefix>:workers:drain` (pub/sub)
 * and stay on the entry, which its heartbeat reads, so a request sent while a process was
 * disconnected still reaches it. Commands fail at once while Redis is away (no offline
 * queue): the heartbeat logs and tries again next time, and jobs run on.
 */
export class RedisWorkerStore implements WorkerRegistryStore {
  private readonly log = logFor('WorkerRegistry');
  private readonly commands: Redis & Scripts;
  private subscriber?: Redis;
  private readonly handlers: Array<(id: string) => void> = [];

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    this.commands = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
    }) as Redis & Scripts;
    this.commands.defineCommand('workerBeat', { numberOfKeys: 2, lua: BEAT });
    this.commands.defineCommand('workerList', { numberOfKeys: 1, lua: LIST });
    this.commands.defineCommand('workerRequestDrain', { numberOfKeys: 1, lua: REQUEST_DRAIN });
    this.quietErrors(this.commands, 'worker registry connection error');
    this.commands.connect().catch(() => undefined); // it keeps trying on its own
  }

  /** One warning per outage, not one per reconnection attempt. */
  private quietErrors(client: Redis, message: string): void {
    let warned = false;
    client.on('error', (error: Error) => {
      if (!warned) this.log.warn(message, { error: error.message });
      warned = true;
    });
    client.on('ready', () => (warned = false));
  }

  private get index(): string {
    return `{${this.prefix}}:workers`;
  }

  private entryKey(id: string): string {
    return `{${this.prefix}}:workers:${id}`;
  }

  private get channel(): string {
    return `${this.prefix}:workers:drain`;
  }

  async beat(entry: Omit<WorkerEntry, 'heartbeat_at'>, ttlMs: number): Promise<{ drain: boolean }> {
    const fields: Record<string, string> = {
      id: entry.id,
      host: entry.host,
      pid: String(entry.pid),
      version: entry.version,
      role: entry.role,
      capabilities: JSON.stringify(entry.capabilities),
      concurrency: String(entry.concurrency),
      running: String(entry.running),
      done: String(entry.done),
      failed: String(entry.failed),
      task_concurrency: String(entry.task_concurrency),
      tasks_running: String(entry.tasks_running),
      tasks_done: String(entry.tasks_done),
      tasks_failed: String(entry.tasks_failed),
      draining: entry.draining ? '1' : '0',
      started_at: String(entry.started_at),
    };
    const drain = await this.commands.workerBeat(
      this.entryKey(entry.id),
      this.index,
      String(ttlMs),
      entry.id,
      ...Object.entries(fields).flat(),
    );
    return { drain: drain === '1' };
  }

  async remove(id: string): Promise<void> {
    await this.commands.multi().del(this.entryKey(id)).zrem(this.index, id).exec();
  }

  async list(forgetAfterMs: number): Promise<WorkerSnapshot> {
    const [now, ids] = await this.commands.workerList(this.index, String(forgetAfterMs));
    if (!ids.length) return { now: Number(now), entries: [] };
    const pipeline = this.commands.pipeline();
    for (const id of ids) pipeline.hgetall(this.entryKey(id));
    const hashes = (await pipeline.exec()) ?? [];
    const entries: WorkerEntry[] = [];
    const gone: string[] = [];
    hashes.forEach(([error, hash], i) => {
      const entry = error ? undefined : toEntry(hash as Record<string, string>);
      if (entry) entries.push(entry);
      else if (!error) gone.push(ids[i]);
    });
    // an id whose hash expired (its process died long ago)
    if (gone.length) await this.commands.zrem(this.index, ...gone).catch(() => undefined);
    return { now: Number(now), entries };
  }

  async requestDrain(id: string): Promise<boolean> {
    const marked = (await this.commands.workerRequestDrain(this.entryKey(id))) === 1;
    if (marked) await this.commands.publish(this.channel, id);
    return marked;
  }

  onDrainRequest(handler: (id: string) => void): void {
    this.handlers.push(handler);
    if (this.subscriber) return;
    this.subscriber = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.quietErrors(this.subscriber, 'worker registry subscriber error');
    this.subscriber.on('message', (_channel: string, id: string) => {
      for (const each of this.handlers) each(id);
    });
    this.subscriber
      .connect()
      .then(() => this.subscriber!.subscribe(this.channel))
      .catch((error: Error) =>
        this.log.warn('could not subscribe to drain requests; heartbeats still carry them', {
          error: error.message,
        }),
      );
  }

  async nextTurn(name: string): Promise<number> {
    return this.commands.incr(`{${this.prefix}}:workers:turn:${name}`);
  }

  private get lanesKey(): string {
    return `{${this.prefix}}:workers:lanes`;
  }

  async rememberLane(lane: string): Promise<void> {
    await this.commands.sadd(this.lanesKey, lane);
  }

  lanes(): Promise<string[]> {
    return this.commands.smembers(this.lanesKey);
  }

  async forgetLane(lane: string): Promise<void> {
    await this.commands.srem(this.lanesKey, lane);
  }

  async rememberPlacement(goalId: string, placement: JobPlacement, ttlMs: number): Promise<void> {
    const key = `{${this.prefix}}:workers:placed:${goalId}`;
    await this.commands.set(key, JSON.stringify(placement), 'PX', ttlMs);
  }

  async placementOf(goalId: string): Promise<JobPlacement | undefined> {
    const value = await this.commands.get(`{${this.prefix}}:workers:placed:${goalId}`);
    if (!value) return undefined;
    const parsed = JSON.parse(value) as Partial<JobPlacement>;
    return typeof parsed.jobId === 'string' && typeof parsed.lane === 'string'
      ? { jobId: parsed.jobId, lane: parsed.lane }
      : undefined;
  }

  async close(): Promise<void> {
    // quit() when connected (it flushes what was sent); a client still trying is just stopped
    const closing = [this.subscriber, this.commands].map((client) =>
      client?.status === 'ready' ? client.quit() : client?.disconnect(),
    );
    await Promise.allSettled(closing);
  }
}

function toEntry(hash: Record<string, string>): WorkerEntry | undefined {
  if (!hash.id || !hash.heartbeat_at) return undefined;
  let capabilities: string[];
  try {
    capabilities = JSON.parse(hash.capabilities ?? '[]') as string[];
  } catch {
    capabilities = [];
  }
  return {
    id: hash.id,
    host: hash.host ?? '',
    pid: Number(hash.pid),
    version: hash.version ?? '',
    role: hash.role === 'worker' ? 'worker' : 'api',
    capabilities,
    concurrency: Number(hash.concurrency),
    running: Number(hash.running),
    done: Number(hash.done),
    failed: Number(hash.failed),
    task_concurrency: Number(hash.task_concurrency ?? 0),
    tasks_running: Number(hash.tasks_running ?? 0),
    tasks_done: Number(hash.tasks_done ?? 0),
    tasks_failed: Number(hash.tasks_failed ?? 0),
    draining: hash.draining === '1' || hash.drain_requested === '1',
    started_at: Number(hash.started_at),
    heartbeat_at: Number(hash.heartbeat_at),
  };
}
