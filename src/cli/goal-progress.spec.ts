import type { GoalEvent } from '#sdk';
import { GoalProgressModel, progressView } from './goal-progress';

const event = (type: string, data: Record<string, unknown> = {}, taskId: string | null = null) =>
  ({ id: 1, type, goal_id: 'g', task_id: taskId, seq: 1, created_at: '', data }) as GoalEvent;

describe('goal progress', () => {
  it('follows the plan, each task and an approval, line by line', () => {
    const model = new GoalProgressModel();
    const lines = [
      event('goal.status', { from: 'RECEIVED', to: 'INTENT_ANALYSIS', status: 'running' }),
      event('plan.created', { tasks: [{ key: 'a' }, { key: 'b' }] }),
      event('task.started', { task_key: 'a' }),
      event('approval.required', { action: 'delete_file' }, 't-a'),
      event('approval.decided', { decision: 'approved' }),
      event('task.failed', { task_key: 'b', error: 'timeout' }),
      event('memory.written', {}),
      event('goal.failed', { reasons: ['b failed'] }),
    ].map((e) => model.apply(e));
    expect(lines).toEqual([
      'goal running (INTENT_ANALYSIS)',
      'planned 2 task(s)',
      'task a started',
      'waiting for approval of delete_file (task t-a)',
      'approval approved',
      'task b failed: timeout',
      undefined,
      'goal failed',
    ]);
    expect([...model.tasks]).toEqual([
      ['a', 'started'],
      ['b', 'failed'],
    ]);
  });

  it('writes plain lines where the output is not a terminal', () => {
    let written = '';
    const stream = {
      isTTY: false,
      write: (s: string) => (written += s),
    } as unknown as NodeJS.WriteStream;
    const view = progressView(stream, 'g');
    view.update(event('task.started', { task_key: 'a' }));
    view.update(event('memory.written'));
    view.stop();
    expect(written).toBe('task a started\n');
  });

  it('redraws one block with a spinner on a terminal', () => {
    let written = '';
    const stream = {
      isTTY: true,
      write: (s: string) => (written += s),
    } as unknown as NodeJS.WriteStream;
    const view = progressView(stream, 'g');
    view.update(event('plan.created', { tasks: [{ key: 'a' }] }));
    view.stop();
    expect(written).toContain('\x1b[1F'); // back over the previous one-line block
    expect(written).toMatch(/[⠋⠙⠹] goal g queued/);
    expect(written).toContain('  · a pending');
  });
});
