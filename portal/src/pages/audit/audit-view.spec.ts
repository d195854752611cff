import {
  AUDIT_CATEGORIES,
  AUDIT_OUTCOMES,
  AUDIT_SEVERITIES,
} from '../../../../src/audit/audit-event';

import * as view from './audit-view';

describe('the dashboard audit page helpers', () => {
  it('offers exactly the categories, severities and outcomes the API accepts', () => {
    expect(view.CATEGORIES).toEqual([...AUDIT_CATEGORIES]);
    expect(view.SEVERITIES).toEqual([...AUDIT_SEVERITIES]);
    expect(view.OUTCOMES).toEqual([...AUDIT_OUTCOMES]);
  });

  it('turns a datetime-local value (local time) into ISO 8601 UTC', () => {
    expect(view.localToIso('2026-03-01T12:30')).toBe(new Date(2026, 2, 1, 12, 30).toISOString());
    expect(view.localToIso('2026-03-01T12:30:15')).toBe(
      new Date(2026, 2, 1, 12, 30, 15).toISOString(),
    );
    expect(view.localToIso('')).toBeNull();
    expect(view.localToIso('not a time')).toBeNull();
  });

  it('builds the query string from the filter form, leaving out what is empty', () => {
    expect(view.buildQuery({})).toBe('?limit=25&offset=0');
    expect(
      view.buildQuery({
        start: '2026-03-01T00:00',
        end: '',
        actor_id: ' user-1 ',
        ip: '10.0.0.1',
        resource_type: 'goal',
        resource_id: '',
        search: 'login failed & more',
        categories: ['AUTHENTICATION', 'SECURITY'],
        severities: [],
        outcomes: ['FAILURE'],
        sort: 'asc',
        limit: 50,
        offset: 100,
      }),
    ).toBe(
      '?start_time=' +
        encodeURIComponent(new Date(2026, 2, 1).toISOString()) +
        '&actor_id=user-1&ip=10.0.0.1&resource_type=goal' +
        '&search=login%20failed%20%26%20more' +
        '&categories=AUTHENTICATION,SECURITY&outcomes=FAILURE&sort=asc&limit=50&offset=100',
    );
  });

  it('builds an export query: the format first, no paging', () => {
    expect(
      view.buildQuery(
        { categories: ['DATA_MUTATION'], sort: 'desc', limit: 25, offset: 50 },
        { format: 'csv' },
        { paging: false },
      ),
    ).toBe('?format=csv&categories=DATA_MUTATION&sort=desc');
    expect(view.buildQuery({}, undefined, { paging: false })).toBe('');
    // an unknown sort is left to the server's default
    expect(view.buildQuery({ sort: 'sideways' }, undefined, { paging: false })).toBe('');
  });

  it('pages with "x–y of total"', () => {
    expect(view.pageText(0, 25, 80)).toBe('1–25 of 80');
    expect(view.pageText(75, 5, 80)).toBe('76–80 of 80');
    expect(view.pageText(0, 0, 0)).toBe('0 of 0');
    expect([view.hasPrev(0), view.hasPrev(25)]).toEqual([false, true]);
    expect([view.hasNext(0, 25, 80), view.hasNext(75, 5, 80)]).toEqual([true, false]);
    expect([view.prevOffset(50, 25), view.prevOffset(10, 25)]).toEqual([25, 0]);
  });

  it('reads actors, resources, changes and the request context', () => {
    expect(view.actorText({ id: 'u1', type: 'user', ip: '10.0.0.1' })).toBe('user u1 @ 10.0.0.1');
    expect(view.actorText({ id: null, type: 'system', ip: null })).toBe('system');
    expect(view.actorText(null)).toBe('–');
    expect(view.resourceText({ type: 'goal', id: 'g1' })).toBe('goal g1');
    expect(view.resourceText({ type: 'session', id: null })).toBe('session');
    expect(view.resourceText({ type: null, id: null })).toBe('–');
    expect(
      view.changeRows([
        { field: 'status', old: 'ACTIVE', new: 'SUSPENDED' },
        { field: 'quotas', old: null, new: { goals_per_day: 5 } },
      ]),
    ).toEqual([
      ['status', 'ACTIVE', 'SUSPENDED'],
      ['quotas', '–', '{"goals_per_day":5}'],
    ]);
    expect(view.changeRows(null)).toEqual([]);
    expect(
      view.contextRows({
        request_id: 'r1',
        endpoint: '/api/v1/goals',
        method: 'POST',
        duration_ms: 0,
      }),
    ).toEqual([
      ['Request', 'r1'],
      ['Endpoint', '/api/v1/goals'],
      ['Method', 'POST'],
      ['Duration', '0 ms'],
    ]);
    expect(
      view.contextRows({ request_id: null, endpoint: null, method: null, duration_ms: null }),
    ).toEqual([]);
  });

  it('says what the chain verification found', () => {
    expect(view.verifyText({ valid: true, entries: 42, starts_after: 0 })).toBe(
      'Chain intact: 42 entries',
    );
    expect(view.verifyText({ valid: true, entries: 1, starts_after: 9 })).toBe(
      'Chain intact: 1 entry after checkpoint 9',
    );
    expect(
      view.verifyText({
        valid: false,
        entries: 7,
        starts_after: 0,
        first_broken: { id: 'e7', seq: 7, reason: 'hash-mismatch' },
      }),
    ).toBe('Broken at entry e7 (seq 7): hash mismatch');
    expect(
      view.verifyText({
        valid: false,
        entries: 0,
        starts_after: 10,
        first_broken: { seq: 10, reason: 'checkpoint-signature' },
      }),
    ).toBe('Broken at entry (checkpoint) (seq 10): checkpoint signature');
  });

  it("takes the export's file name from Content-Disposition", () => {
    expect(view.fileNameOf('attachment; filename="audit-t1.csv"', 'audit.csv')).toBe(
      'audit-t1.csv',
    );
    expect(view.fileNameOf(null, 'audit.jsonl')).toBe('audit.jsonl');
  });
});
