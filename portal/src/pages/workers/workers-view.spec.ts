import * as view from './workers-view';

describe('the dashboard worker view', () => {
  it('gives each status its badge', () => {
    expect(['IDLE', 'BUSY', 'DRAINING', 'OFFLINE'].map(view.statusClass)).toEqual([
      's-worker-idle',
      's-busy',
      's-draining',
      's-offline',
    ]);
  });

  it('reads the load as running/concurrency and a bounded percentage', () => {
    expect(view.loadText({ running: 3, concurrency: 200 })).toBe('3/200');
    expect(view.loadPercent({ running: 1, concurrency: 2 })).toBe(50);
    expect(view.loadPercent({ running: 5, concurrency: 2 })).toBe(100);
    expect(view.loadPercent({ running: 0, concurrency: 0 })).toBe(0);
  });

  it('reads task jobs beside goal jobs', () => {
    expect(view.taskLoadText({ tasks_running: 2, task_concurrency: 20 })).toBe('tasks 2/20');
    expect(view.jobCountText(12, 0)).toBe('12');
    expect(view.jobCountText(12, 40)).toBe('12 + 40 tasks');
  });

  it('writes heartbeat ages to the unit that fits', () => {
    expect(view.ageText(260)).toBe('0.3 s');
    expect(view.ageText(12_400)).toBe('12 s');
    expect(view.ageText(240_000)).toBe('4 min');
    expect(view.ageText(9_000_000)).toBe('3 h');
  });

  it('lists capabilities, or a dash when there are none', () => {
    expect(view.capabilityText(['goal_execution', 'code'])).toBe('goal_execution, code');
    expect(view.capabilityText([])).toBe('–');
  });
});
