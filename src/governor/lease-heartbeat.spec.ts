import type { AppConfig } from '../config/app-config';
import type { GoalLeases } from './goal-lease.service';
import { LeaseHeartbeat } from './lease-heartbeat';

describe('LeaseHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function heartbeatWith(renew: () => Promise<boolean>) {
    const calls: string[] = [];
    const leases = {
      renew: (tenantId: string, goalId: string) => {
        calls.push(`${tenantId}/${goalId}`);
        return renew();
      },
    } as unknown as GoalLeases;
    return { heartbeat: new LeaseHeartbeat({ LEASE_TTL_MS: 3000 } as AppConfig, leases), calls };
  }

  it('renews the lease every third of its time to live until stopped', async () => {
    const { heartbeat, calls } = heartbeatWith(async () => true);
    const controller = new AbortController();
    const stop = heartbeat.start('t1', 'g1', controller);
    await jest.advanceTimersByTimeAsync(3000);
    expect(calls).toEqual(['t1/g1', 't1/g1', 't1/g1']);
    stop();
    await jest.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(3);
    expect(controller.signal.aborted).toBe(false);
  });

  it('aborts the run when the lease was lost, but not when a renewal could not be made', async () => {
    let answer: () => Promise<boolean> = () => Promise.reject(new Error('database away'));
    const { heartbeat } = heartbeatWith(() => answer());
    const controller = new AbortController();
    const stop = heartbeat.start('t1', 'g1', controller);
    await jest.advanceTimersByTimeAsync(1000);
    expect(controller.signal.aborted).toBe(false);
    answer = async () => false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe(
      'lease lost or goal no longer running',
    );
    stop();
  });
});
