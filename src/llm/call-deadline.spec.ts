import { callDeadline } from './call-deadline';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('callDeadline', () => {
  it('aborts with a TimeoutError when the time is up, and says so', async () => {
    const deadline = callDeadline(undefined, 20);
    expect(deadline.signal.aborted).toBe(false);
    await settle(60);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it("follows the caller's signal with the caller's reason, and that is no timeout", () => {
    const goal = new AbortController();
    const deadline = callDeadline(goal.signal, 10_000);
    const reason = new Error('goal cancelled');
    goal.abort(reason);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(reason);
    expect(deadline.timedOut).toBe(false);
    deadline.dispose();
  });

  it('starts aborted when the caller has already aborted', () => {
    const goal = new AbortController();
    goal.abort(new Error('already gone'));
    expect(callDeadline(goal.signal, 10_000).signal.aborted).toBe(true);
  });

  it('once disposed, neither the timer nor the caller aborts it', async () => {
    const goal = new AbortController();
    const deadline = callDeadline(goal.signal, 20);
    deadline.dispose();
    goal.abort(new Error('later'));
    await settle(60);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.timedOut).toBe(false);
  });
});
