import { parseClientMessage } from './protocol';

describe('parseClientMessage', () => {
  it('accepts a known event with clean data', () => {
    const message = parseClientMessage('{"event":"goal.cancel","data":{"goal_id":"x"},"id":1}', 64);
    expect(message).toEqual({
      ok: true,
      envelope: { event: 'goal.cancel', data: { goal_id: 'x' }, id: 1 },
    });
  });

  it('refuses JSON nested deeper than the limit before parsing it', () => {
    const deep = `{"event":"ping","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const message = parseClientMessage(deep, 64);
    expect(message.ok).toBe(false);
    if (!message.ok) {
      expect(message.problem.status).toBe(400);
      expect(message.problem.errors).toEqual([
        { field: 'message', message: 'must not nest objects and arrays deeper than 64 levels' },
      ]);
    }
  });

  it('names the data field holding a NUL or a lone surrogate, keeping the request id', () => {
    const message = parseClientMessage(
      '{"event":"goal.submit","data":{"goal":"ok","metadata":{"a":"\\ud800"}},"id":"r1"}',
      64,
    );
    expect(message).toMatchObject({
      ok: false,
      envelope: { event: 'goal.submit', id: 'r1' },
      problem: {
        status: 400,
        errors: [{ field: 'metadata.a', message: 'must not contain unpaired UTF-16 surrogates' }],
      },
    });
  });

  it('refuses a NUL in the event name or the id', () => {
    for (const raw of ['{"event":"ping\\u0000"}', '{"event":"ping","id":"a\\u0000"}']) {
      const message = parseClientMessage(raw, 64);
      expect(message).toMatchObject({ ok: false, problem: { status: 400 } });
      if (!message.ok) expect(message.problem.detail).toMatch(/^(event|id) must not contain NUL/);
    }
  });

  it('refuses an id JSON could only read as Infinity (its answer would carry id null)', () => {
    const message = parseClientMessage('{"event":"ping","id":1e400}', 64);
    expect(message).toMatchObject({
      ok: false,
      problem: { status: 400, detail: 'id must be a finite number' },
    });
  });

  it('names unknown events', () => {
    expect(parseClientMessage('{"event":"nope"}', 64)).toMatchObject({
      ok: false,
      problem: { status: 400, errors: [{ field: 'event' }] },
    });
  });
});
