import type { GoalEventRecord } from '../events/domain-events';
import { consecutiveRuns, EventStream, EventStreamSource } from './event-stream';

const TENANT = 't1';

function ev(id: number, goal: string, seq: number, tenant = TENANT): GoalEventRecord {
  return {
    id,
    seq,
    goal_id: goal,
    tenant_id: tenant,
    task_id: null,
    type: 'goal.status',
    data: { from: null, to: 'X', status: 'running' },
    created_at: new Date(0).toISOString(),
  };
}

/** A log whose commits are visible to the stream's source immediately. */
class FakeLog implements EventStreamSource {
  events: GoalEventRecord[] = [];
  reads = 0;
  async goalEvents(goalId: string, afterId: number, limit: number) {
    this.reads++;
    return this.events.filter((e) => e.goal_id === goalId && e.id > afterId).slice(0, limit);
  }
  async tenantEvents(afterId: number, limit: number) {
    return this.events.filter((e) => e.id > afterId).slice(0, limit);
  }
  async seqAt(goalId: string, eventId: number) {
    const before = this.events.filter((e) => e.goal_id === goalId && e.id <= eventId);
    return before.length ? before[before.length - 1].seq : 0;
  }
}

function stream(log: FakeLog, maxBacklog = 1000) {
  const sent: GoalEventRecord[] = [];
  const runs: number[][] = [];
  let overflowed = false;
  const s = new EventStream({
    tenantId: TENANT,
    source: log,
    send: (e) => {
      sent.push(e);
      return true;
    },
    sendRun: (run) => {
      runs.push(run.map((e) => e.id));
      sent.push(...run);
      return true;
    },
    overflow: () => (overflowed = true),
    maxBacklog,
    pageSize: 2,
  });
  return { s, sent, runs, overflowed: () => overflowed };
}

describe('EventStream', () => {
  it('replays a goal from the start, then follows live events once each', async () => {
    const log = new FakeLog();
    log.events = [ev(1, 'a', 1), ev(2, 'b', 1), ev(3, 'a', 2), ev(4, 'a', 3)];
    const { s, sent } = stream(log);
    const replayed = s.subscribeGoal('a');
    // These race the replay: published after commit while the replay reads the log.
    s.offer(ev(3, 'a', 2));
    log.events.push(ev(5, 'a', 4));
    s.offer(ev(5, 'a', 4));
    s.offer(ev(6, 'b', 2));
    expect(await replayed).toBe(4);
    await s.idle();
    expect(sent.map((e) => e.id)).toEqual([1, 3, 4, 5]);
  });

  it('resumes after the last id with exactly the missed events', async () => {
    const log = new FakeLog();
    log.events = [ev(1, 'a', 1), ev(2, 'a', 2), ev(3, 'a', 3), ev(7, 'a', 4)];
    const { s, sent } = stream(log);
    await s.subscribeGoal('a', 2);
    expect(sent.map((e) => e.id)).toEqual([3, 7]);
  });

  it('reads a gap from the log when a later event arrives first', async () => {
    const log = new FakeLog();
    log.events = [ev(1, 'a', 1)];
    const { s, sent } = stream(log);
    await s.subscribeGoal('a');
    log.events.push(ev(2, 'a', 2), ev(3, 'a', 3));
    s.offer(ev(3, 'a', 3));
    s.offer(ev(2, 'a', 2));
    await s.idle();
    expect(sent.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('follows every goal of its tenant only, and resumes tenant-wide', async () => {
    const log = new FakeLog();
    log.events = [ev(1, 'a', 1), ev(2, 'b', 1), ev(3, 'a', 2)];
    const { s, sent } = stream(log);
    await s.subscribeTenant(1);
    s.offer(ev(4, 'c', 1));
    s.offer(ev(5, 'x', 1, 'other-tenant'));
    s.offer(ev(3, 'a', 2));
    await s.idle();
    expect(sent.map((e) => e.id)).toEqual([2, 3, 4]);
  });

  it('stops delivering after unsubscribe', async () => {
    const log = new FakeLog();
    const { s, sent } = stream(log);
    await s.subscribeGoal('a');
    s.unsubscribeGoal('a');
    s.offer(ev(1, 'a', 1));
    await s.idle();
    expect(sent).toEqual([]);
  });

  it('reports overflow once when the backlog exceeds its bound, and stops', async () => {
    const log = new FakeLog();
    const { s, sent, overflowed } = stream(log, 3);
    void s.subscribeTenant();
    for (let i = 1; i <= 10; i++) s.offer(ev(i, 'a', i));
    await s.idle();
    expect(overflowed()).toBe(true);
    expect(sent.length).toBeLessThan(10);
  });

  it('takes a run that follows its cursor in one send, and splits one that does not', async () => {
    const log = new FakeLog();
    log.events = [ev(1, 'a', 1)];
    const { s, sent, runs } = stream(log);
    await s.subscribeTenant();
    s.offer(ev(1, 'a', 1));
    s.offerRun([ev(2, 'a', 2), ev(3, 'a', 3)]);
    expect(runs).toEqual([[2, 3]]);
    // overlaps what was sent: the duplicate is dropped, the rest goes event by event
    s.offerRun([ev(3, 'a', 3), ev(4, 'a', 4)]);
    // a goal first seen in a run starts there
    s.offerRun([ev(5, 'b', 7), ev(6, 'b', 8)]);
    await s.idle();
    expect(runs).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(sent.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('ignores a run of a goal it does not follow, or of another tenant', async () => {
    const log = new FakeLog();
    const { s, sent } = stream(log);
    await s.subscribeGoal('a');
    s.offerRun([ev(1, 'b', 1), ev(2, 'b', 2)]);
    s.offerRun([ev(3, 'a', 1, 'other-tenant'), ev(4, 'a', 2, 'other-tenant')]);
    s.offerRun([ev(5, 'a', 1), ev(6, 'a', 2)]);
    await s.idle();
    expect(sent.map((e) => e.id)).toEqual([5, 6]);
  });
});

describe('consecutiveRuns', () => {
  it('splits per goal and wherever the sequence jumps', () => {
    const runs = consecutiveRuns([
      ev(1, 'a', 1),
      ev(2, 'a', 2),
      ev(3, 'b', 1),
      ev(4, 'a', 3),
      ev(6, 'a', 5),
      ev(7, 'a', 6),
    ]);
    expect(runs.map((r) => r.map((e) => e.id))).toEqual([[1, 2], [3], [4], [6, 7]]);
  });
});
