import { InProcessJobQueue } from './in-process-job-queue';

const options = { concurrency: 2, attempts: 3, backoffMs: 1, shutdownTimeoutMs: 1000 };

async function until(check: () => boolean, deadlineMs = 2000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('deadline passed');
    await new Promise((r) => setImmediate(r));
  }
}

describe('InProcessJobQueue', () => {
  it('retries a failing job with backoff until it succeeds', async () => {
    const queue = new InProcessJobQueue(options);
    const attempts: number[] = [];
    queue.process('work', async (_data, meta) => {
      attempts.push(meta.attempt);
      if (meta.attempt < 3) throw new Error('transient');
    });
    await queue.add('work', {});
    await until(() => attempts.length === 3);
    expect(attempts).toEqual([1, 2, 3]);
    await queue.close();
  });

  it('never runs more than the concurrency bound at once and dedupes job ids', async () => {
    const queue = new InProcessJobQueue(options);
    let active = 0;
    let peak = 0;
    let done = 0;
    queue.process('work', async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      done++;
    });
    for (let i = 0; i < 6; i++) await queue.add('work', {}, { jobId: `j${i % 3}` });
    await until(() => done === 3);
    expect(peak).toBe(2);
    await queue.close();
  });

  it('drains running jobs on close', async () => {
    const queue = new InProcessJobQueue(options);
    let finished = false;
    queue.process('work', async () => {
      await new Promise((r) => setTimeout(r, 20));
      finished = true;
    });
    await queue.add('work', {});
    await until(() => true);
    await new Promise((r) => setImmediate(r));
    await queue.close();
    expect(finished).toBe(true);
    await expect(queue.add('work', {})).rejects.toThrow(/shutting down/);
  });
});

describe('InProcessJobQueue.pause', () => {
  it('finishes the running job, takes no new ones, and still accepts jobs', async () => {
    const queue = new InProcessJobQueue({ ...options, concurrency: 1 });
    const ran: string[] = [];
    queue.process<{ n: string }>('work', async (data) => {
      await new Promise((r) => setTimeout(r, 20));
      ran.push(data.n);
    });
    await queue.add('work', { n: 'a' });
    await queue.add('work', { n: 'b' });
    expect(await queue.pause()).toBe(true);
    expect(ran).toEqual(['a']);
    await queue.add('work', { n: 'c' });
    await new Promise((r) => setTimeout(r, 40));
    expect(ran).toEqual(['a']);
    expect((await queue.counts()).waiting).toBe(2);
    await queue.close();
  });

  it('answers false when the running jobs outlast the shutdown timeout', async () => {
    const queue = new InProcessJobQueue({ ...options, shutdownTimeoutMs: 10 });
    queue.process('work', () => new Promise((r) => setTimeout(r, 200)));
    await queue.add('work', {});
    expect(await queue.pause()).toBe(false);
    // the drain used the shutdown timeout up: closing waits no longer
    const started = Date.now();
    await queue.close();
    expect(Date.now() - started).toBeLessThan(100);
  });
});
