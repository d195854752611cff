import { forgetAfterMs, workerStatus } from './worker-status';

describe('workerStatus', () => {
  const live = { running: 0, draining: false, heartbeatAgeMs: 1000, offlineAfterMs: 15000 };

  it('is IDLE without running jobs and BUSY with them', () => {
    expect(workerStatus(live)).toBe('IDLE');
    expect(workerStatus({ ...live, running: 3 })).toBe('BUSY');
  });

  it('is DRAINING while it drains, busy or not', () => {
    expect(workerStatus({ ...live, draining: true })).toBe('DRAINING');
    expect(workerStatus({ ...live, draining: true, running: 2 })).toBe('DRAINING');
  });

  it('is OFFLINE once the heartbeat is older than the window, whatever it said last', () => {
    expect(workerStatus({ ...live, heartbeatAgeMs: 15000 })).toBe('IDLE');
    expect(workerStatus({ ...live, heartbeatAgeMs: 15001 })).toBe('OFFLINE');
    expect(workerStatus({ ...live, heartbeatAgeMs: 60000, running: 5, draining: true })).toBe(
      'OFFLINE',
    );
  });

  it('forgets an entry after ten offline windows', () => {
    expect(forgetAfterMs(15000)).toBe(150000);
  });
});
