import { CoalescedDelta, OutputCoalescer } from './output-coalescer';

/** A hand-driven clock: `advance` runs the timers that are due. */
function manualTimers() {
  let now = 0;
  const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  return {
    schedule(run: () => void, ms: number) {
      const timer = { at: now + ms, run, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    advance(ms: number) {
      now += ms;
      for (const timer of timers.splice(0))
        if (timer.cancelled) continue;
        else if (timer.at <= now) timer.run();
        else timers.push(timer);
    },
    get active() {
      return timers.filter((t) => !t.cancelled).length;
    },
  };
}

function coalescer(intervalMs = 250) {
  const clock = manualTimers();
  const deltas: CoalescedDelta[] = [];
  const output = new OutputCoalescer({
    intervalMs,
    emit: (d) => deltas.push(d),
    schedule: clock.schedule,
  });
  return { clock, deltas, output };
}

describe('OutputCoalescer', () => {
  it('emits the tokens of one interval as one delta', () => {
    const { clock, deltas, output } = coalescer();
    for (const token of ['The ', 'answer ', 'is ', '42']) {
      output.push(token);
      clock.advance(10);
    }
    expect(deltas).toEqual([]);
    clock.advance(250);
    expect(deltas).toEqual([{ offset: 0, text: 'The answer is 42' }]);
  });

  it('emits at most once per interval however fast tokens come, with running offsets', () => {
    const { clock, deltas, output } = coalescer(200);
    for (let ms = 0; ms < 1000; ms += 5) {
      output.push('x');
      clock.advance(5);
    }
    output.finish();
    expect(deltas.length).toBeLessThanOrEqual(6);
    expect(deltas.length).toBeGreaterThanOrEqual(5);
    let offset = 0;
    for (const delta of deltas) {
      expect(delta.offset).toBe(offset);
      offset += delta.text.length;
    }
    expect(deltas.map((d) => d.text).join('')).toBe('x'.repeat(200));
  });

  it('sends what is left at once on finish, and nothing after it', () => {
    const { clock, deltas, output } = coalescer();
    output.push('Hello');
    clock.advance(250);
    output.push(', world');
    output.finish();
    expect(deltas).toEqual([
      { offset: 0, text: 'Hello' },
      { offset: 5, text: ', world' },
    ]);
    expect(clock.active).toBe(0);
    output.push('late');
    clock.advance(1000);
    output.finish();
    expect(deltas).toHaveLength(2);
  });

  it('emits nothing for an empty text and keeps no timer', () => {
    const { clock, deltas, output } = coalescer();
    output.push('');
    expect(clock.active).toBe(0);
    output.finish();
    expect(deltas).toEqual([]);
  });

  it('starts again at offset 0 after a restart, dropping what was not sent', () => {
    const { clock, deltas, output } = coalescer();
    output.push('first try ');
    clock.advance(250);
    output.push('cut o');
    output.restart();
    output.push('second try');
    output.finish();
    expect(deltas).toEqual([
      { offset: 0, text: 'first try ' },
      { offset: 0, text: 'second try' },
    ]);
  });
});
