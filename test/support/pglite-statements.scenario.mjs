// Runs PgliteStatements (from the build) against an in-memory PGlite and prints what it saw
// as JSON; test/pglite-statements.e2e-spec.ts asserts on it. PGlite loads its WASM through a
// dynamic import, which Jest's module sandbox does not allow, hence the separate process.
import { PGlite } from '@electric-sql/pglite';
import * as pglite from '@electric-sql/pglite';
import { PgliteStatements } from '../../dist/src/database/pglite-statements.js';

async function main() {
  const db = await PGlite.create();
  await db.exec(
    `CREATE TABLE items (id int PRIMARY KEY, tags text[], doc jsonb, at timestamptz, note text)`,
  );
  const seen = {};
  const statements = new PgliteStatements(db, pglite, 2);
  const insert = `INSERT INTO items (id, tags, doc, at, note) VALUES ($1, $2, $3, $4, $5) RETURNING *`;
  const args = (id) => [id, ['a', 'b"c'], { k: [1, 2] }, new Date('2026-01-02T03:04:05Z'), null];
  seen.firstSight = (await statements.query(insert, args(1))) === undefined;
  seen.prepared = (await statements.query(insert, args(2))).rows[0];
  seen.plain = (await db.query(insert, args(3))).rows[0];
  seen.preparedCount = (
    await db.query(`SELECT count(*)::int AS n FROM pg_prepared_statements`)
  ).rows[0].n;

  try {
    await statements.query(insert, args(2));
  } catch (error) {
    seen.duplicateCode = error.code;
  }
  seen.afterError = (await statements.query(insert, args(4))).affectedRows;

  for (let round = 0; round < 3; round++)
    for (const column of ['id', 'note', 'doc', 'at'])
      await statements.query(`SELECT ${column} FROM items WHERE id = $1`, [1]);
  seen.cappedCount = (
    await db.query(`SELECT count(*)::int AS n FROM pg_prepared_statements`)
  ).rows[0].n;

  const select = `SELECT * FROM items WHERE id = $1`;
  await statements.query(select, [2]);
  await statements.query(select, [2]);
  await db.exec(`ALTER TABLE items ADD COLUMN extra int DEFAULT 7`);
  const after = await statements.query(select, [2]);
  seen.afterAlter = after ? after.rows[0].extra : (await db.query(select, [2])).rows[0].extra;
  seen.ids = (await db.query(`SELECT id FROM items ORDER BY id`)).rows.map((r) => r.id);
  process.stdout.write(JSON.stringify(seen));
  await db.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
