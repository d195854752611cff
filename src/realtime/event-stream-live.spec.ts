import type { GoalEventRecord } from '../events/domain-events';
import { LiveOutput } from '../events/live-output';
import { EventStream, EventStreamSource } from './event-stream';

const TENANT = 't1';

function ev(id: number, goal: string, seq: number): GoalEventRecord {
  return {
    id,
    seq,
    goal_id: goal,
    tenant_id: TENANT,
    task_id: null,
    type: 'goal.status',
    data: { from: null, to: 'X', status: 'running' },
    created_at: new Date(0).toISOString(),
  };
}

/** A log whose reads wait until `release` is called, so a replay can be held open. */
class HeldLog implements EventStreamSource {
  events: GoalEventRecord[] = [];
  release: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  async goalEvents(goalId: string, afterId: number, limit: number) {
    await this.gate;
    return this.events.filter((e) => e.goal_id === goalId && e.id > afterId).slice(0, limit);
  }
  async tenantEvents() {
    return [];
  }
  async seqAt() {
    return 0;
  }
}

function stream(log: EventStreamSource, live = new LiveOutput()) {
  const wire: string[] = [];
  const s = new EventStream({
    tenantId: TENANT,
    source: log,
    send: (e) => {
      wire.push(`event ${e.id}`);
      return true;
    },
    overflow: () => undefined,
    watch: (goalId) => live.watch(TENANT, goalId),
    maxBacklog: 100,
  });
  const offerDelta = (goal: string, text: string, tenant = TENANT) =>
    s.offerLive(tenant, goal, () => {
      wire.push(`delta ${text}`);
      return true;
    });
  return { s, wire, live, offerDelta };
}

describe('EventStream and live output', () => {
  it('sends a delta only to a client following its goal, of its own tenant', async () => {
    const log = new HeldLog();
    log.release();
    const { s, wire, offerDelta } = stream(log);
    offerDelta('g1', 'not yet');
    await s.subscribeGoal('g1');
    offerDelta('g1', 'hello');
    offerDelta('g2', 'other goal');
    offerDelta('g1', 'foreign', 't2');
    expect(wire).toEqual(['delta hello']);
  });

  it('keeps a delta behind the replay that is still on its way, and moves no cursor', async () => {
    const log = new HeldLog();
    log.events = [ev(1, 'g1', 1), ev(2, 'g1', 2)];
    const { s, wire, offerDelta } = stream(log);
    const replayed = s.subscribeGoal('g1');
    offerDelta('g1', 'while replaying');
    log.release();
    await replayed;
    await s.idle();
    s.offer(ev(3, 'g1', 3));
    expect(wire).toEqual(['event 1', 'event 2', 'delta while replaying', 'event 3']);
  });

  it('marks the goals it follows as watched until it unsubscribes or closes', async () => {
    const log = new HeldLog();
    log.release();
    const live = new LiveOutput();
    const first = stream(log, live);
    const second = stream(log, live);
    expect(live.isWatched(TENANT, 'g1')).toBe(false);
    await first.s.subscribeGoal('g1');
    await first.s.subscribeGoal('g1');
    await second.s.subscribeGoal('g1');
    first.s.unsubscribeGoal('g1');
    expect(live.isWatched(TENANT, 'g1')).toBe(true);
    second.s.close();
    expect(live.isWatched(TENANT, 'g1')).toBe(false);
    await first.s.subscribeTenant();
    expect(live.isWatched(TENANT, 'any goal')).toBe(true);
    expect(live.isWatched('t2', 'any goal')).toBe(false);
    first.s.unsubscribeTenant();
    expect(live.isWatched(TENANT, 'any goal')).toBe(false);
  });

  it("counts other processes' watches until they lapse", () => {
    const live = new LiveOutput();
    live.noteRemoteWatches(['t1/g1'], 60_000);
    expect(live.isWatched('t1', 'g1')).toBe(true);
    expect(live.isWatched('t1', 'g2')).toBe(false);
    live.noteRemoteWatches(['t1/*'], -1);
    expect(live.isWatched('t1', 'g2')).toBe(false);
  });
});
