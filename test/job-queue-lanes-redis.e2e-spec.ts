import { Queue, Worker } from 'bullmq';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '#testing';
import type { AppConfig } from '../src/config/app-config';
import { BullMqJobQueue } from '../src/queue/bullmq-job-queue';

const LOCK_MS = 1000;

/**
 * A worker's own lane on a real Redis: a job that worker took and never finished (it died)
 * can be removed once its hold lapses, and only then, so the process waiting for it can
 * place the work again instead of waiting on a lane nobody consumes any more.
 */
describe('BullMqJobQueue lanes (real Redis)', () => {
  const prefix = `{${uniqueQueuePrefix()}}`;
  const redis = new URL(TEST_REDIS_URL);
  const connection = { host: redis.hostname, port: Number(redis.port || 6379) };
  const config = {
    RETENTION_DAYS: 1,
    JOB_ATTEMPTS: 3,
    JOB_BACKOFF_MS: 100,
    QUEUE_STALLED_INTERVAL_MS: LOCK_MS,
    SHUTDOWN_TIMEOUT_MS: 1000,
  } as AppConfig;
  const queue = new BullMqJobQueue(new Queue('tasks', { connection, prefix }), config, 1);
  // processes that take jobs from a lane by hand and then stop renewing their hold
  const takers: Worker[] = [];
  const takerOf = (lane: string) => {
    const worker = new Worker(`tasks.${lane}`, null, {
      connection,
      prefix,
      lockDuration: LOCK_MS,
      autorun: false,
    });
    takers.push(worker);
    return worker;
  };

  afterAll(async () => {
    await Promise.all(takers.map((w) => w.close(true)));
    await queue.close();
  });

  it('removes a job taken in a lane once its hold lapsed, and never a held, waiting or finished one', async () => {
    await queue.add('run-task', { n: 1 }, { jobId: 'taken', lane: 'w.dead' });
    const taken = await takerOf('w.dead').getNextJob('dying-token');
    expect(taken?.id).toBe('taken');
    await queue.add('run-task', { n: 2 }, { jobId: 'waiting', lane: 'w.dead' });

    // still held: its worker may be slow, not dead
    expect(await queue.dropAbandoned('taken', 'w.dead')).toBe(false);
    expect(await queue.has('taken', 'w.dead')).toBe(true);

    await new Promise((r) => setTimeout(r, LOCK_MS + 300));
    expect(await queue.dropAbandoned('taken', 'w.dead')).toBe(true);
    expect(await queue.has('taken', 'w.dead')).toBe(false);

    // a waiting job is the lane mover's to move, not abandoned
    expect(await queue.dropAbandoned('waiting', 'w.dead')).toBe(false);
    expect(await queue.isPending('waiting', 'w.dead')).toBe(true);
    // unknown ids and other lanes answer false
    expect(await queue.dropAbandoned('nothing', 'w.dead')).toBe(false);
    expect(await queue.dropAbandoned('waiting', 'w.other')).toBe(false);
  });

  it('leaves a finished job alone', async () => {
    await queue.add('run-task', { n: 3 }, { jobId: 'finished', lane: 'w.done' });
    const job = await takerOf('w.done').getNextJob('finishing-token');
    expect(job?.id).toBe('finished');
    await job!.moveToCompleted('done', 'finishing-token', false);
    await new Promise((r) => setTimeout(r, LOCK_MS + 300));
    expect(await queue.dropAbandoned('finished', 'w.done')).toBe(false);
    expect(await queue.has('finished', 'w.done')).toBe(true);
  });

  it('removes every job a gone worker had taken in its lane, once their hold lapsed, and nothing else', async () => {
    const taker = takerOf('w.gone');
    for (const id of ['g1', 'g2'])
      await queue.add('run-goal', { id }, { jobId: id, lane: 'w.gone' });
    expect((await taker.getNextJob('t1'))?.id).toBe('g1');
    expect((await taker.getNextJob('t2'))?.id).toBe('g2');
    await queue.add('run-goal', { id: 'g3' }, { jobId: 'g3', lane: 'w.gone' });
    expect(await queue.dropAbandonedIn('w.gone')).toBe(0); // still held
    await new Promise((r) => setTimeout(r, LOCK_MS + 300));
    expect(await queue.dropAbandonedIn('w.gone')).toBe(2);
    expect(await queue.has('g1', 'w.gone')).toBe(false);
    expect(await queue.has('g2', 'w.gone')).toBe(false);
    expect(await queue.isPending('g3', 'w.gone')).toBe(true); // waiting: moved, not dropped
    expect(await queue.dropAbandonedIn('w.gone')).toBe(0);
  });
});
