import { resetsAt } from './quota-windows';

describe('quota windows', () => {
  it('a day resets at the next UTC midnight, a minute at the next whole minute', () => {
    const now = new Date('2026-03-01T23:59:30.500Z');
    expect(resetsAt('day', now)?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(resetsAt('minute', now)?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(resetsAt('minute', new Date('2026-03-01T10:00:00.000Z'))?.toISOString()).toBe(
      '2026-03-01T10:01:00.000Z',
    );
  });

  it('a running total never resets', () => {
    expect(resetsAt('total', new Date())).toBeNull();
  });
});
