import { eventMatches, isEventPattern, securityEventPatterns } from './webhook-event-types';

describe('webhook event patterns', () => {
  it('takes *, known types and known categories only', () => {
    expect(['*', 'goal.completed', 'goal.*', 'trusted_device.*'].every(isEventPattern)).toBe(true);
    expect(['goal', 'goal.*.*', 'nothing.*', 'goal.done', '', '**'].some(isEventPattern)).toBe(
      false,
    );
  });

  it('matches an exact type, its category wildcard, or *', () => {
    expect(eventMatches(['goal.*'], 'goal.completed')).toBe(true);
    expect(eventMatches(['task.completed'], 'task.completed')).toBe(true);
    expect(eventMatches(['*'], 'auth.logged_in')).toBe(true);
    expect(eventMatches(['goal.*'], 'goals.completed')).toBe(false);
    expect(eventMatches(['task.completed'], 'task.failed')).toBe(false);
  });

  it('picks the patterns that match security events', () => {
    expect(
      securityEventPatterns([
        '*',
        'goal.*',
        'goal.completed',
        'auth.*',
        'user.deleted',
        'tenant.*',
        'webhook.test',
        'system.*',
      ]),
    ).toEqual(['*', 'auth.*', 'user.deleted', 'tenant.*']);
  });
});
