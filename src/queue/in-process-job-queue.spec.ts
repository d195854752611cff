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
