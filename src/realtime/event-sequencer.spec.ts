import type { GoalEventRecord } from '../events/domain-events';
import { EventSequencer } from './event-sequencer';

function ev(id: number, seq: number, goal = 'a'): GoalEventRecord {
  return {
    id,
    seq,
    goal_id: goal,
    tenant_id: 't',
    task_id: null,
    type: 'goal.status',
    data: { from: null, to: 'X', status: 'running' },
    created_at: new Date(0).toISOString(),
  };
}

describe('EventSequencer', () => {
  it('emits in sequence order, holding early events, dropping duplicates', () => {
    const out: number[] = [];
    const s = new EventSequencer({
      emit: (e) => out.push(e.seq),
      fetch: async () => [],
      gapWaitMs: 1000,
    });
    s.push(ev(1, 1));
    s.push(ev(3, 3));
    s.push(ev(4, 4));
    expect(out).toEqual([1]);
    s.push(ev(2, 2));
    s.push(ev(2, 2));
    expect(out).toEqual([1, 2, 3, 4]);
    s.close();
  });

  it('reads a gap that does not close from the log, once', async () => {
    const out: number[] = [];
    let fetches = 0;
    const s = new EventSequencer({
      emit: (e) => out.push(e.seq),
      fetch: async (_e, after) => {
        fetches++;
        expect(after).toBe(1);
        return [ev(2, 2), ev(3, 3)];
      },
      gapWaitMs: 5,
    });
    s.push(ev(1, 1));
    s.push(ev(3, 3));
    await new Promise((r) => setTimeout(r, 30));
    expect(out).toEqual([1, 2, 3]);
    expect(fetches).toBe(1);
    s.close();
  });

  it('keeps goals apart', () => {
    const out: string[] = [];
    const s = new EventSequencer({
      emit: (e) => out.push(`${e.goal_id}${e.seq}`),
      fetch: async () => [],
      gapWaitMs: 1000,
    });
    s.push(ev(1, 1, 'a'));
    s.push(ev(2, 7, 'b'));
    s.push(ev(3, 2, 'a'));
    expect(out).toEqual(['a1', 'b7', 'a2']);
    s.close();
  });
});
