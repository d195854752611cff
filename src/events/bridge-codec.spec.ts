import type { GoalEventRecord } from './domain-events';
import { decodeBridgeMessage, encodeBridgeMessage } from './bridge-codec';

const event = (id: number): GoalEventRecord =>
  ({
    id,
    seq: id,
    goal_id: 'g1',
    tenant_id: 't1',
    task_id: null,
    type: 'goal.status',
    data: { to: 'EXECUTING' },
    created_at: '2026-01-01T00:00:00.000Z',
  }) as GoalEventRecord;

describe('bridge messages', () => {
  it('carries the events of one batch in order', () => {
    const raw = encodeBridgeMessage('p1', [event(1), event(2), event(3)]);
    const message = decodeBridgeMessage(raw);
    expect(message?.origin).toBe('p1');
    expect(message?.events.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('reads the single-event message of the previous release', () => {
    const raw = JSON.stringify({ v: 1, origin: 'old', event: event(7) });
    expect(decodeBridgeMessage(raw)).toEqual({ origin: 'old', events: [event(7)] });
  });

  it('refuses a batch holding one malformed event, and anything that is not a message', () => {
    const bad = JSON.stringify({ v: 1, origin: 'p1', events: { items: [event(1), { id: 'x' }] } });
    expect(decodeBridgeMessage(bad)).toBeNull();
    expect(decodeBridgeMessage('{"v":1,"origin":"p1","events":{"items":"no"}}')).toBeNull();
    expect(decodeBridgeMessage('not json')).toBeNull();
    expect(decodeBridgeMessage(JSON.stringify({ v: 2, origin: 'p1', event: event(1) }))).toBeNull();
  });
});
