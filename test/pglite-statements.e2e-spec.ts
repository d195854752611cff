import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The embedded driver's prepared-statement cache (see src/database/pglite-statements.ts). */
describe('PGlite prepared statements', () => {
  const seen = JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'support/pglite-statements.scenario.mjs')], {
      encoding: 'utf8',
    }),
  );

  it('runs a statement plainly on first sight and prepared afterwards, with the same rows', () => {
    expect(seen.firstSight).toBe(true);
    expect(seen.prepared).toEqual({ ...seen.plain, id: 2 });
    expect(seen.prepared).toMatchObject({
      tags: ['a', 'b"c'],
      doc: { k: [1, 2] },
      at: '2026-01-02T03:04:05.000Z',
      note: null,
    });
    expect(seen.preparedCount).toBe(1);
  });

  it('reports a failed statement with its SQLSTATE and keeps the session usable', () => {
    expect(seen.duplicateCode).toBe('23505');
    expect(seen.afterError).toBe(1);
    expect(seen.ids).toEqual([2, 3, 4]); // the first-sight call ran nothing
  });

  it('keeps the cache within its capacity', () => {
    expect(seen.cappedCount).toBeLessThanOrEqual(3);
  });

  it('sees a changed table after ALTER TABLE', () => {
    expect(seen.afterAlter).toBe(7);
  });
});
