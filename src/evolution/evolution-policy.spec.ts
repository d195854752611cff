import { chooseArm, decide } from './evolution-policy';

const arm = (id: string, status: 'testing' | 'champion', trials: number, successes: number) => ({
  id,
  name: id,
  status,
  trials,
  successes,
  mean_tokens: 100,
});

describe('evolver decisions', () => {
  it('waits until every arm has enough trials', () => {
    expect(decide([arm('control', 'champion', 5, 0), arm('v1', 'testing', 4, 4)], 5, 0.15)).toEqual(
      { retire: [] },
    );
  });

  it('promotes a challenger that wins by the margin and retires the champion with the numbers', () => {
    const d = decide([arm('control', 'champion', 5, 1), arm('v1', 'testing', 5, 5)], 5, 0.15);
    expect(d.promote?.id).toBe('v1');
    expect(d.retire).toEqual([
      { id: 'control', reason: expect.stringContaining('success rate 0.20 vs 1.00') },
    ]);
  });

  it('retires a losing challenger and keeps the champion', () => {
    const d = decide([arm('control', 'champion', 5, 4), arm('v1', 'testing', 5, 1)], 5, 0.15);
    expect(d.promote).toBeUndefined();
    expect(d.retire.map((r) => r.id)).toEqual(['v1']);
  });

  it('keeps testing while the difference is below the margin, then retires the challenger', () => {
    expect(
      decide([arm('control', 'champion', 5, 3), arm('v1', 'testing', 5, 3)], 5, 0.15).retire,
    ).toEqual([]);
    const late = decide(
      [arm('control', 'champion', 20, 12), arm('v1', 'testing', 20, 12)],
      5,
      0.15,
    );
    expect(late.retire[0]).toMatchObject({
      id: 'v1',
      reason: expect.stringContaining('no measurable gain'),
    });
  });

  it('splits goals fairly between arms', () => {
    const arms = [
      { id: 'a', trials: 0 },
      { id: 'b', trials: 0 },
    ];
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 10; i++) {
      const chosen = chooseArm(arms, `goal-${i}`);
      chosen.trials++;
      counts[chosen.id]++;
    }
    expect(counts).toEqual({ a: 5, b: 5 });
  });
});
