import { IdempotencyKeyReused, replayDifferences, SubmittedGoal } from './idempotent-replay';

const first: SubmittedGoal = {
  goal: 'Research cats.',
  title: 'Cats',
  requested_pattern: null,
  priority: 5,
  metadata: { ticket: 'OPS-1', tags: ['a', { b: 1 }] },
};

describe('replayDifferences', () => {
  it('finds none for the same submission, metadata keys in another order (as jsonb keeps them)', () => {
    const again = { ...first, metadata: { tags: ['a', { b: 1 }], ticket: 'OPS-1' } };
    expect(replayDifferences(first, again, true)).toEqual([]);
  });

  it('names every field the second submission changed', () => {
    expect(
      replayDifferences(
        first,
        {
          ...first,
          goal: 'Research dogs.',
          priority: 9,
          metadata: { ticket: 'OPS-1', tags: ['a', { b: 2 }] },
        },
        true,
      ),
    ).toEqual(['goal', 'priority', 'metadata']);
    expect(replayDifferences(first, { ...first, requested_pattern: 'swarm' }, true)).toEqual([
      'requested_pattern',
    ]);
    expect(
      replayDifferences(first, { ...first, metadata: { ...first.metadata, x: null } }, true),
    ).toEqual(['metadata']);
    expect(
      replayDifferences(first, { ...first, metadata: { ticket: ['OPS-1'], tags: [] } }, true),
    ).toEqual(['metadata']);
  });

  it('names a title the caller sent, not one derived from a changed goal', () => {
    const changed = { ...first, goal: 'Research dogs.', title: 'Research dogs.' };
    expect(replayDifferences(first, changed, false)).toEqual(['goal']);
    expect(replayDifferences(first, changed, true)).toEqual(['goal', 'title']);
    expect(replayDifferences(first, { ...first, title: 'Dogs' }, false)).toEqual(['title']);
  });
});

describe('IdempotencyKeyReused', () => {
  it('is a 422 naming the fields that differ and the goal the key created', () => {
    const error = new IdempotencyKeyReused('g1', ['goal', 'priority']);
    expect(error.status).toBe(422);
    expect(error.type).toBe('idempotency-key-reused');
    expect(error.extensions).toMatchObject({
      goal_id: 'g1',
      errors: [{ field: 'goal' }, { field: 'priority' }],
    });
  });
});
