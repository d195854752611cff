import { shiftParams, withList } from './sql-parts';

describe('sql parts', () => {
  it('renumbers parameters after the parts before them', () => {
    expect(shiftParams('a = $1 AND b = $2::int', 3)).toBe('a = $4 AND b = $5::int');
    expect(shiftParams('a = $10', 0)).toBe('a = $10');
    const list = withList([
      { name: 'one', sql: 'UPDATE t SET x = $2 WHERE id = $1 RETURNING id', params: ['id', 'x'] },
      { name: 'two', sql: 'SELECT $1::int AS n FROM one', params: [7] },
    ]);
    expect(list.sql).toBe(
      'one AS (UPDATE t SET x = $2 WHERE id = $1 RETURNING id),\ntwo AS (SELECT $3::int AS n FROM one)',
    );
    expect(list.params).toEqual(['id', 'x', 7]);
  });
});
